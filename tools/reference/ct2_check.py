#!/usr/bin/env python3
"""Checks a Whisper model imported from CTranslate2 by @speechfold/import-ctranslate2 with stock HF.

Loads the converted dir with stock transformers (HF_HUB_OFFLINE=1, nothing downloaded):
WhisperForConditionalGeneration.from_pretrained (no missing / unexpected / mismatched keys
allowed), WhisperProcessor, and both WhisperTokenizer (slow: vocab.json + merges.txt) and
WhisperTokenizerFast (tokenizer.json), which must decode every hypothesis identically. Then it
transcribes every utterance of the LibriSpeech test-clean sample in ../shared/data (flac
decoded with soundfile; generate(language='en', task='transcribe') -- plain generate() for an
English-only model --, greedy, no timestamps, fp32 on CPU), normalises hypotheses and references alike (upper case; apostrophes kept; every other
character that is not a letter or digit becomes a space; whitespace collapsed) and computes the
WER with jiwer. Writes tools/reference/fixtures/ct2-whisper-base-transcripts.json.

Optional cross-check (--ct2-dir DIR, with --ct2-parts P1 P2 ... when model.bin is split): runs
CTranslate2's own Whisper on the first utterances (same features, same prompt, greedy) and reports
whether its token ids equal HF's on the converted model.

Usage: python3 tools/reference/ct2_check.py whisper-base
           [--ct2-dir DIR [--ct2-parts P1 P2]] [--cross N] [--out FILE]
"""
import argparse
import glob
import importlib.metadata
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time

os.environ["HF_HUB_OFFLINE"] = "1"  # everything is local; never reach a hub

import jiwer
import numpy as np
import soundfile
import torch
import transformers
from transformers import WhisperForConditionalGeneration, WhisperProcessor, WhisperTokenizer, WhisperTokenizerFast

transformers.utils.logging.disable_progress_bar()

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "..", "shared", "data", "LibriSpeech", "test-clean")
OUT_JSON = os.path.join(ROOT, "tools", "reference", "fixtures", "ct2-whisper-base-transcripts.json")


def normalise(text):
    """Upper case, apostrophes kept, other non-alphanumerics -> space, whitespace collapsed."""
    text = text.upper().replace("\u2019", "'")
    text = re.sub(r"[^A-Z0-9' ]+", " ", text)
    return " ".join(text.split())


def utterances():
    """(id, 16 kHz float32 audio, reference) for every flac of the sample, sorted by id."""
    refs = {}
    for trans in glob.glob(os.path.join(DATA, "*", "*", "*.trans.txt")):
        with open(trans) as f:
            for line in f:
                uid, text = line.rstrip("\n").split(" ", 1)
                refs[uid] = text
    out = []
    for path in sorted(glob.glob(os.path.join(DATA, "*", "*", "*.flac"))):
        uid = os.path.basename(path)[:-5]
        audio, rate = soundfile.read(path, dtype="float32")
        if rate != 16000:
            sys.exit(f"{path}: {rate} Hz; expected 16000")
        out.append((uid, audio, refs[uid]))
    return out


def load(model_dir):
    model, info = WhisperForConditionalGeneration.from_pretrained(
        model_dir, dtype=torch.float32, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    if problems:
        sys.exit(f"loading {model_dir}: {problems}")
    processor = WhisperProcessor.from_pretrained(model_dir)
    slow = WhisperTokenizer.from_pretrained(model_dir)
    fast = WhisperTokenizerFast.from_pretrained(model_dir)
    return model.eval(), processor, slow, fast


def ct2_cross_check(args, processor, model, items, task):
    """CTranslate2's own greedy decoding of the first utterances vs HF's on the converted model."""
    import ctranslate2
    tmp = tempfile.mkdtemp()
    try:
        for name in os.listdir(args.ct2_dir):
            if name in ("config.json", "vocabulary.json", "vocabulary.txt", "tokenizer.json"):
                shutil.copy(os.path.join(args.ct2_dir, name), tmp)
        with open(os.path.join(tmp, "model.bin"), "wb") as out:
            for part in args.ct2_parts or [os.path.join(args.ct2_dir, "model.bin")]:
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out)
        ct2 = ctranslate2.models.Whisper(tmp, device="cpu", compute_type="float32")
        tok = processor.tokenizer
        prompt = tok.convert_tokens_to_ids(
            ["<|startoftranscript|>"] + (["<|en|>", "<|transcribe|>"] if task else []) + ["<|notimestamps|>"])
        rows = []
        for uid, audio, _ in items[: args.cross]:
            feats = processor(audio, sampling_rate=16000, return_tensors="np").input_features
            res = ct2.generate(ctranslate2.StorageView.from_array(np.ascontiguousarray(feats)), [prompt],
                               beam_size=1, max_length=448, suppress_blank=True)
            ct2_ids = res[0].sequences_ids[0]
            with torch.no_grad():
                hf = model.generate(torch.from_numpy(feats), **task, num_beams=1, do_sample=False,
                                    return_timestamps=False)
            # HF's output starts with the prompt; CTranslate2 returns only the generated tokens.
            hf_ids = [i for i in hf[0].tolist() if i not in tok.all_special_ids]
            rows.append({"id": uid, "equal_ids": ct2_ids == hf_ids,
                         "ct2": tok.decode(ct2_ids), "hf": tok.decode(hf_ids)})
        return {"ctranslate2": ctranslate2.__version__, "compute_type": "float32", "ct2_dir": args.ct2_dir,
                "ct2_parts": args.ct2_parts or None, "utterances": rows}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("--ct2-dir")
    ap.add_argument("--ct2-parts", nargs="*")
    ap.add_argument("--cross", type=int, default=3)
    ap.add_argument("--out", default=OUT_JSON)
    args = ap.parse_args()
    torch.manual_seed(0)
    model, processor, slow, fast = load(args.model_dir)
    items = utterances()
    # An English-only ('.en') model has no language or task tokens to force.
    multilingual = bool(model.generation_config.is_multilingual)
    task = {"language": "en", "task": "transcribe"} if multilingual else {}
    ids, refs, raw, norm = [], [], [], []
    t0 = time.time()
    for uid, audio, ref in items:
        feats = processor(audio, sampling_rate=16000, return_tensors="pt").input_features
        with torch.no_grad():
            out = model.generate(feats, **task, num_beams=1, do_sample=False, return_timestamps=False)
        text = slow.decode(out[0], skip_special_tokens=True)
        if fast.decode(out[0], skip_special_tokens=True) != text:
            sys.exit(f"{uid}: slow and fast tokenizers decode differently")
        ids.append(uid)
        refs.append(ref)
        raw.append(text)
        norm.append(normalise(text))
        print(f"{uid}: {norm[-1]}")
    counts = jiwer.process_words([normalise(r) for r in refs], norm)
    wer = counts.wer
    result = {
        "model_dir": args.model_dir,
        "data": os.path.relpath(DATA, ROOT),
        "decoding": ("generate(language='en', task='transcribe')" if multilingual else "generate() (English-only model)")
        + ", greedy (num_beams=1), no timestamps, fp32, CPU",
        "normalisation": "upper case; apostrophes kept; other non-alphanumerics -> space; whitespace collapsed",
        "utterances": len(ids),
        "wer": wer,
        "word_errors": {"substitutions": counts.substitutions, "deletions": counts.deletions,
                        "insertions": counts.insertions,
                        "reference_words": counts.hits + counts.substitutions + counts.deletions},
        "ids": ids,
        "references": refs,
        "hypotheses_raw": raw,
        "hypotheses_normalised": norm,
        "seconds": round(time.time() - t0, 1),
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "transformers": transformers.__version__, "jiwer": importlib.metadata.version("jiwer"),
                     "soundfile": soundfile.__version__},
    }
    if args.ct2_dir:
        result["ct2_cross_check"] = ct2_cross_check(args, processor, model, items, task)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"WER {wer:.4f} ({100 * wer:.2f}%) over {len(ids)} utterances -> {args.out}")
    if "ct2_cross_check" in result:
        for row in result["ct2_cross_check"]["utterances"]:
            print(f"ct2 vs hf {row['id']}: {'equal' if row['equal_ids'] else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
