import ArgumentParser

/// `overturn`: predict which denied health-insurance claims will win on appeal, and why.
@main
struct OverturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overturn",
        abstract: "Predict which denied health-insurance claims will win on appeal, and why.",
        discussion: """
            Overturn reads claims exports (CSV), learns from past appeal outcomes, and scores new \
            denials. Score the shipped sample with the shipped default model:

              overturn score Datasets/claims-sample.csv -o scores.csv

            Rank a backlog by the dollars an appeal is expected to recover, near deadlines first \
            (worklist.csv and a one-page worklist.md):

              overturn rank Datasets/claims-sample.csv --capacity 40 -o worklist.csv

            Train on your own past outcomes (checking the file first), and measure before trusting:

              overturn validate past.csv --require-label
              overturn evaluate past.csv
              overturn train past.csv --calibrate isotonic -o model.json

            or make synthetic claims to try things on:

              overturn generate --rows 10000 --seed 7 -o claims.csv
            """,
        version: "0.1.0",
        subcommands: [
            Validate.self, Train.self, Evaluate.self, Score.self, Explain.self, Rank.self, Inspect.self, Import.self,
            Export.self, Features.self,
            Generate.self,
        ])
}
