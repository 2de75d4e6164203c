#!/usr/bin/env python3
"""Writes tools/reference/fixtures/wer-jiwer.json, which packages/metrics' WER test must equal exactly.

The reference/hypothesis pairs below are written by hand to cover substitutions, deletions,
insertions, an empty hypothesis, an empty reference, punctuation, case, contractions and
equal-cost alignments (where only the tie-break decides how the edits split into S, D and I).
Both sides go through the 'basic' normalisation of @speechfold/metrics (re-implemented below; the
fixture keeps the normalised strings so the TS test checks that both implementations agree), then
jiwer.process_words gives per-pair and corpus counts.

Run from the repo root:  python3 tools/reference/wer_reference.py     (needs jiwer)
"""
import importlib.metadata
import json
import os
import re
import unicodedata

import jiwer
import rapidfuzz

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "wer-jiwer.json")

PAIRS = [
    # exact and trivial
    ("the cat sat on the mat", "the cat sat on the mat"),
    ("hello", "hello"),
    # substitutions
    ("the cat sat on the mat", "the bat sat on the hat"),
    ("one two three", "four five six"),
    # deletions
    ("he hoped there would be stew for dinner", "he hoped there be stew dinner"),
    ("alpha beta gamma delta", "delta"),
    # insertions
    ("stuff it into you", "stuff it all into you now"),
    ("yes", "yes yes yes"),
    # empty hypothesis, empty reference, both empty
    ("after early nightfall", ""),
    ("", "uh oh"),
    ("", ""),
    # punctuation and case
    ("Hello, Bertie! Any good in your mind?", "hello bertie any good in your mind"),
    ("number ten. fresh nelly is waiting on you -- good night, husband", "NUMBER TEN FRESH NELLY IS WAITING ON YOU GOOD NIGHT HUSBAND"),
    ("well-known facts; (mostly) true", "well known facts mostly true"),
    ('"quoted" words and \'single quotes\'', "quoted words and single quotes"),
    # apostrophes and contractions (basic keeps in-word apostrophes and expands nothing)
    ("DON'T YOU KNOW", "do not you know"),
    ("the man's hat", "the mans hat"),
    ("i won\u2019t go", "I won't go"),
    ("it's the boys' toys", "its the boys toys"),
    # equal-cost alignments: the split into S, D and I is the tie-break's choice
    ("a b", "b a"),
    ("a b c", "c b a"),
    ("a b c d", "b c d a"),
    ("x y", "y"),
    ("x y", "x"),
    ("a b a b", "b a b a"),
    ("a a b", "b a a"),
    ("the the the", "the"),
    ("a b c", "a x c y"),
    ("one two", "three one four two five"),
    ("a b c d e", "e d c b a"),
    ("a b a", "b"),
    ("b a b a b", "a b"),
    # ...where a different tie-break rule gives other counts (found by comparing variants on random pairs)
    ("c a", "a b"),
    ("c a a", "a b a"),
    ("the cat", "cat sat"),
    # ...and where stripping the common prefix and suffix first (as rapidfuzz does) changes the split
    ("b a a b", "a a b b b"),
    ("a a b b a a", "b b a a a"),
    # a longer utterance with everything mixed
    (
        "after early nightfall the yellow lamps would light up here and there the squalid quarter of the brothels",
        "after nightfall the yellow lamp would light up here and there there the squalid quarters of brothels",
    ),
]


def basic(text):
    """@speechfold/metrics normalizeText(text, {style: 'basic'})."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u2018\u2019\u02bc`\u00b4]", "'", text)
    text = text.upper()
    text = "".join(c if (c.isalnum() or c == "'" or c.isspace()) else " " for c in text)
    text = re.sub(r"(?<![^\W_])'|'(?![^\W_])", " ", text)  # apostrophes not between letters/digits
    return " ".join(text.split())


def counts(output):
    return {
        "substitutions": output.substitutions,
        "deletions": output.deletions,
        "insertions": output.insertions,
        "hits": output.hits,
        "wer": output.wer,
    }


def main():
    pairs = []
    for reference, hypothesis in PAIRS:
        ref, hyp = basic(reference), basic(hypothesis)
        entry = {"reference": reference, "hypothesis": hypothesis, "normalizedReference": ref, "normalizedHypothesis": hyp}
        entry.update(counts(jiwer.process_words(ref, hyp)))
        pairs.append(entry)
    corpus = counts(jiwer.process_words([p["normalizedReference"] for p in pairs], [p["normalizedHypothesis"] for p in pairs]))
    fixture = {"versions": {"jiwer": importlib.metadata.version("jiwer"), "rapidfuzz": rapidfuzz.__version__}, "pairs": pairs, "corpus": corpus}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {OUT}: {len(pairs)} pairs, corpus WER {corpus['wer']:.6f}")


if __name__ == "__main__":
    main()
