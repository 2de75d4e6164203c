#!/usr/bin/env python3
"""A fast research evaluator for Whisper checkpoints written by speechfold (hf or extended export).

Greedy-decodes the shared LibriSpeech utterances with stock HF transformers (batched, fp32, CPU)
and prints corpus WER per split, as one JSON line per model. It is for choosing variants quickly
(about 2 minutes per whisper-base on 2 cores, against several for `speechfold eval`); every
published table comes from `speechfold reproduce`. Transcripts are normalised with the 'basic'
style of @speechfold/metrics (wer_reference.py's copy), so figures differ slightly from `speechfold
eval`'s default 'whisper-english' style.

An extended export (per-layer FFN widths) loads too: the model is built from config.json and each
layer's fc1 / fc2 are resized to the stored tensors before the weights are loaded.

Run from the repo root:
  python3 tools/reference/fast_eval.py --data test-data/LibriSpeech <model-dir> [<model-dir> ...]
Needs torch, transformers, soundfile, jiwer. Nothing is fetched from a hub.
"""
import argparse
import glob
import json
import os
import sys
import time

import jiwer
import soundfile
import torch
from safetensors import safe_open
from transformers import (
    GenerationConfig,
    WhisperConfig,
    WhisperFeatureExtractor,
    WhisperForConditionalGeneration,
    WhisperTokenizer,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wer_reference import basic  # noqa: E402

SPLITS = ["test-clean", "test-other"]


def utterances(root, split):
    """(id, audio path, reference) of every utterance under root/split, sorted by id."""
    refs = {}
    for trans in glob.glob(os.path.join(root, split, "*", "*", "*.trans.txt")):
        with open(trans) as f:
            for line in f:
                uid, text = line.strip().split(" ", 1)
                refs[uid] = (os.path.join(os.path.dirname(trans), uid + ".flac"), text)
    return [(uid, *refs[uid]) for uid in sorted(refs) if os.path.exists(refs[uid][0])]


def features(model_dir, root, split, cache):
    key = (split,)
    if key not in cache:
        fe = WhisperFeatureExtractor.from_pretrained(model_dir)
        items = utterances(root, split)
        audio = [soundfile.read(path, dtype="float32")[0] for _, path, _ in items]
        feats = fe(audio, sampling_rate=16000, return_tensors="pt").input_features
        cache[key] = (items, feats)
    return cache[key]


def load(model_dir):
    """The model, with each layer's FFN resized to the stored tensors (extended exports)."""
    config = WhisperConfig.from_pretrained(model_dir)
    model = WhisperForConditionalGeneration(config)
    state = {}
    with safe_open(os.path.join(model_dir, "model.safetensors"), "pt") as f:
        for name in f.keys():
            state[name] = f.get_tensor(name).float()
    for stack in ("encoder", "decoder"):
        for i, layer in enumerate(getattr(model.model, stack).layers):
            width = state[f"model.{stack}.layers.{i}.fc1.weight"].shape[0]
            d = layer.fc1.in_features
            if width != layer.fc1.out_features:
                layer.fc1 = torch.nn.Linear(d, width)
                layer.fc2 = torch.nn.Linear(width, d)
    if "proj_out.weight" not in state:
        state["proj_out.weight"] = state["model.decoder.embed_tokens.weight"]
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if m != "proj_out.weight"]
    if missing or unexpected:
        raise SystemExit(f"{model_dir}: missing {missing[:5]}, unexpected {unexpected[:5]}")
    model.generation_config = GenerationConfig.from_pretrained(model_dir)
    model.generation_config.forced_decoder_ids = None
    return model.eval()


def evaluate(model_dir, root, cache, batch, max_new_tokens):
    model = load(model_dir)
    tokenizer = WhisperTokenizer.from_pretrained(model_dir)
    english_only = not model.config.vocab_size >= 51865
    out = {"model": model_dir}
    for split in SPLITS:
        items, feats = features(model_dir, root, split, cache)
        hyps = []
        with torch.inference_mode():
            for s in range(0, len(items), batch):
                kwargs = {} if english_only else {"language": "en", "task": "transcribe"}
                ids = model.generate(
                    feats[s : s + batch], max_new_tokens=max_new_tokens, max_length=None, num_beams=1, do_sample=False, **kwargs)
                hyps += tokenizer.batch_decode(ids, skip_special_tokens=True)
        refs = [basic(text) for _, _, text in items]
        hyps = [basic(h) for h in hyps]
        m = jiwer.process_words(refs, hyps)
        words = sum(len(r.split()) for r in refs)
        errors = m.substitutions + m.deletions + m.insertions
        out[split] = {"wer": round(100 * errors / words, 2), "words": words, "utterances": len(items)}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--data", required=True, help="the LibriSpeech root holding test-clean and test-other")
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-new-tokens", type=int, default=128, help="as speechfold reproduce's tables")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cache = {}
    for model_dir in args.models:
        started = time.time()
        result = evaluate(model_dir, args.data, cache, args.batch, args.max_new_tokens)
        result["seconds"] = round(time.time() - started, 1)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
