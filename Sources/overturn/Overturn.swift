import ArgumentParser

/// `overturn`: predict which denied health-insurance claims will win on appeal, and why.
@main
struct OverturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overturn",
        abstract: "Predict which denied health-insurance claims will win on appeal, and why.",
        discussion: """
            Overturn reads claims exports (CSV), learns from past appeal outcomes, and scores, explains \
            and ranks new denials. Start by checking a file against its schema:

              overturn validate Datasets/claims-sample.csv

            or make synthetic claims to try things on:

              overturn generate --rows 10000 --seed 7 -o claims.csv
            """,
        version: "0.1.0",
        subcommands: [Validate.self, Train.self, Score.self, Features.self, Generate.self])
}
