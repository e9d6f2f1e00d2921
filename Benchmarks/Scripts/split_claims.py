#!/usr/bin/env python3
"""Split a claims CSV into train and test files exactly as the shared peer harness splits it.

    python split_claims.py claims.csv train.csv test.csv [--seed 42] [--test-percent 20]

A row is a test row iff FNV-1a 64 of the UTF-8 bytes of "<seed>:<claim_id>" is < test-percent mod
100 (`peers.py`'s `is_test_split`), so Overturn trains and is scored on the very rows the peers use.
Assumes `claim_id` is the first column and unquoted (as `gen_claims.py` and `overturn generate`
write it). Standard library only.
"""
import argparse

FNV_OFFSET, FNV_PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


def fnv1a64(data: bytes) -> int:
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--test-percent", type=int, default=20)
    args = ap.parse_args()
    prefix = f"{args.seed}:".encode()
    counts = [0, 0]
    with open(args.csv, "rb") as src, open(args.train, "wb") as train, open(args.test, "wb") as test:
        header = src.readline()
        assert header.split(b",", 1)[0].strip() == b"claim_id", "claim_id must be the first column"
        train.write(header)
        test.write(header)
        for line in src:
            is_test = fnv1a64(prefix + line.split(b",", 1)[0]) % 100 < args.test_percent
            (test if is_test else train).write(line)
            counts[is_test] += 1
    print(f"{counts[0]} train rows, {counts[1]} test rows")


if __name__ == "__main__":
    main()
