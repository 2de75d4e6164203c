#!/usr/bin/env bash
# The folding ablation: compresses a model with each variant at each sparsity (speechfold compress),
# then evaluates every result with fast_eval.py. Appends one JSON line per model to <out>/results.jsonl.
# Usage (repo root, after npm run build):
#   bash tools/reference/ablation.sh <model-dir> <out-dir> <sparsities> <variants-file>
# <variants-file>: one variant per line, "<name> <speechfold compress flags...>"; '#' lines skipped.
set -euo pipefail
model=$1 out=$2 sparsities=$3 variants=$4
data=${DATA:-test-data/LibriSpeech}
mkdir -p "$out"
while read -r name flags; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  for s in ${sparsities//,/ }; do
    dir="$out/$name-$s"
    if grep -q "\"model\": \"$dir\"" "$out/results.jsonl" 2>/dev/null; then continue; fi
    # shellcheck disable=SC2086
    node packages/cli/bin/speechfold.js compress "$model" --out "$dir" --sparsity "$s" --quiet --force \
      --report "$dir.json" $flags > /dev/null
    HF_HUB_OFFLINE=1 python3 tools/reference/fast_eval.py --data "$data" "$dir" 2>/dev/null \
      | sed "s#}\$#, \"variant\": \"$name\", \"sparsity\": $s, \"flags\": \"$flags\"}#" >> "$out/results.jsonl"
    rm -rf "$dir"
  done
done < "$variants"
