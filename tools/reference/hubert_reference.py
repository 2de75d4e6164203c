#!/usr/bin/env python3
"""Reference logits of HF transformers' HubertForCTC for @speechfold/runtime-hubert's parity tests.

For each case below this script synthesises hubert-tiny (f32, seed 7, with the case's config
overrides) with the built @speechfold/synth (the same call the TS test makes, so the bytes are the
same: the fixture stores the sha256 of model.safetensors and the test checks it), loads it with
stock HubertForCTC.from_pretrained in eval mode, and runs it on a fixed seeded 1 x 8000 waveform
(0.5 s at 16 kHz) through the stock Wav2Vec2FeatureExtractor. It writes
tools/reference/fixtures/hubert-<case>.json with:
  waveform, input_values, logits  float32 little-endian, base64;
  argmax_ids                      torch.argmax of the logits per frame;
  hf_text_raw                     Wav2Vec2CTCTokenizer.decode(argmax_ids) (processor-free decode);
  hf_text                         the same with special-token literals (<s>, </s>, <unk>) removed
                                  and the ends trimmed: the runtime drops special tokens.

Run from the repo root after `npm run build`:  python3 tools/reference/hubert_reference.py
Everything happens in a temp dir; nothing is fetched from a hub.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"

import numpy as np
import torch
import transformers
from transformers import HubertForCTC, Wav2Vec2CTCTokenizer, Wav2Vec2FeatureExtractor

transformers.utils.logging.disable_progress_bar()

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tools", "reference", "fixtures")
ARCH = "hubert-tiny"
SEED = 7
DTYPE = "F32"
SAMPLES = 8000
WAVE_SEED = 20240607

# case -> synth config overrides. hubert-tiny itself is the pre-LN (large) layout.
CASES = {
    # do_stable_layer_norm true, LayerNorm on every conv layer, conv biases, even pos-conv kernel (16).
    "stable-layer-norm": {},
    # The hubert-base layout: post-LN encoder, GroupNorm on conv layer 0 only, no conv biases.
    "post-layer-norm": {"do_stable_layer_norm": False, "feat_extract_norm": "group", "conv_bias": False},
    # Post-LN with per-layer conv LayerNorm, no feature-projection LayerNorm, odd pos-conv kernel.
    "post-ln-variant": {
        "do_stable_layer_norm": False,
        "feat_extract_norm": "layer",
        "conv_bias": True,
        "feat_proj_layer_norm": False,
        "num_conv_pos_embeddings": 15,
    },
}


def synthesize(out_dir, overrides):
    """Writes the synthetic checkpoint with the built synth package (run `npm run build` first)."""
    options = {"arch": ARCH, "outDir": out_dir, "dtype": DTYPE, "seed": SEED, "config": overrides}
    script = (
        "require(process.argv[1]).synthesize(JSON.parse(process.argv[2]))"
        ".catch((e) => { console.error(e.message); process.exit(1); });"
    )
    synth = os.path.join(ROOT, "packages", "synth", "dist", "index.js")
    r = subprocess.run(["node", "-e", script, synth, json.dumps(options)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"synth failed (did you run `npm run build`?): {r.stderr.strip()}")


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def waveform():
    """A fixed, speech-like-scaled signal: two tones plus noise, peak well under 1."""
    rng = np.random.RandomState(WAVE_SEED)
    t = np.arange(SAMPLES) / 16000.0
    wave = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 1375 * t) + 0.05 * rng.randn(SAMPLES)
    return wave.astype(np.float32)


def run_case(name, overrides, wave):
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = os.path.join(tmp, "model")
        synthesize(model_dir, overrides)
        model, info = HubertForCTC.from_pretrained(model_dir, dtype=torch.float32, output_loading_info=True)
        model.eval()
        # Every parameter must come from the file: a freshly initialised one would make the reference random.
        problems = {k: v for k, v in info.items() if k != "error_msgs" and len(v) > 0}
        if problems or info.get("error_msgs"):
            sys.exit(f"{name}: HubertForCTC did not load cleanly: {info}")
        extractor = Wav2Vec2FeatureExtractor.from_pretrained(model_dir)
        tokenizer = Wav2Vec2CTCTokenizer.from_pretrained(model_dir)
        input_values = extractor(wave, sampling_rate=16000, return_tensors="pt").input_values
        with torch.no_grad():
            logits = model(input_values).logits[0]
        ids = torch.argmax(logits, dim=-1).tolist()
        raw = tokenizer.decode(ids)
        text = raw
        for special in ("<s>", "</s>", "<unk>"):
            text = text.replace(special, "")
        return {
            "case": name,
            "arch": ARCH,
            "seed": SEED,
            "dtype": DTYPE,
            "config": overrides,
            "model_sha256": sha256(os.path.join(model_dir, "model.safetensors")),
            "versions": {"transformers": transformers.__version__, "torch": torch.__version__.split("+")[0]},
            "samples": SAMPLES,
            "waveform": b64(wave),
            "input_values": b64(input_values[0].numpy()),
            "frames": logits.shape[0],
            "vocab_size": logits.shape[1],
            "logits": b64(logits.numpy()),
            "argmax_ids": ids,
            "hf_text_raw": raw,
            "hf_text": text.strip(),
        }


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    wave = waveform()
    for name, overrides in CASES.items():
        result = run_case(name, overrides, wave)
        path = os.path.join(FIXTURES, f"hubert-{name}.json")
        with open(path, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
        print(f"{name}: {result['frames']} frames, sha256 {result['model_sha256'][:12]}, text {result['hf_text_raw']!r}")


if __name__ == "__main__":
    main()
