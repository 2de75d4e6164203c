#!/usr/bin/env python3
"""Renders the results.jsonl of tools/reference/ablation.sh as a markdown table (stdout).

Usage (repo root):
  python3 tools/reference/ablation_table.py <results.jsonl> --baseline-clean W --baseline-other W
Rows: variant x sparsity in the order first seen; columns: WER and change against the baseline per
split, and the speechfold compress flags of the variant. Only the figures are read; paths are not.
"""
import argparse
import json


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--baseline-clean", type=float, required=True)
    parser.add_argument("--baseline-other", type=float, required=True)
    args = parser.parse_args()
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    order = []
    for r in rows:
        if r["variant"] not in order:
            order.append(r["variant"])
    rows.sort(key=lambda r: (r["sparsity"], order.index(r["variant"])))
    print("| sparsity | variant | test-clean WER | change | test-other WER | change | flags |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        c, o = r["test-clean"]["wer"], r["test-other"]["wer"]
        print(
            f"| {round(100 * r['sparsity'])}% | {r['variant']} | {c:.2f} | {c - args.baseline_clean:+.2f} "
            f"| {o:.2f} | {o - args.baseline_other:+.2f} | `{r['flags']}` |"
        )


if __name__ == "__main__":
    main()
