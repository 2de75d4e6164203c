#!/usr/bin/env python3
"""Checks that a Wav2Vec2ForCTC made by stock transformers compresses through the speechfold CLI and
that the `hf` export loads back in stock transformers; records the fixture the TS tests use.

For each case below (both encoder layer-norm orders) this script builds a tiny Wav2Vec2ForCTC with
stock transformers (random init, torch seed SEED, config CONFIG + the case's overrides), saves it with
save_pretrained (safetensors) to tools/reference/fixtures/wav2vec2-tiny/<case>/, then runs the built
CLI on it:

    node packages/cli/bin/speechfold.js compress <case dir> --out <tmp> --export hf --sparsity 0.25

(and the same with --sparsity 0), loads each output with stock
`Wav2Vec2ForCTC.from_pretrained(..., output_loading_info=True)` and runs a forward pass on a fixed
seeded 1 x SAMPLES waveform.

Fails (exit 1) when a case
  - does not load, or reports missing / unexpected / mismatched keys or load errors;
  - has a file tensor whose shape differs from what the stock config builds, or an
    intermediate_size that differs from the FFN tensors' width;
  - gives non-finite logits, or logits of another shape than the original's;
  - (--sparsity 0) differs from the original at all.

Writes tools/reference/fixtures/wav2vec2-tiny/expected.json: versions, the command, the input, and
per case the original's and the compressed model's logits (float32 little-endian, base64), the
output's config.json, its tensors (name, dtype, shape in file order), the report's groups (n, k),
loading info and parameter counts. No paths or timings: a rerun with the same versions rewrites the
fixture identically. packages/cli/src/wav2vec2-fixture.test.ts compresses the committed checkpoints
in-process and checks its output against this record, so no test needs Python.

Run from the repo root after `npm run build`:  python3 tools/reference/wav2vec2_check.py
Nothing is fetched from a hub.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"  # everything is local; never reach a hub

import numpy as np
import torch
import transformers
from transformers import Wav2Vec2Config, Wav2Vec2ForCTC

transformers.utils.logging.disable_progress_bar()

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(ROOT, "packages", "cli", "bin", "speechfold.js")
FIXTURE = os.path.join(ROOT, "tools", "reference", "fixtures", "wav2vec2-tiny")
SEED = 0
INPUT_SEED = 1234
SAMPLES = 4000  # 0.25 s at 16 kHz: 49 frames through the 80x-downsampling conv stack below
SPARSITY = "0.25"
COMMAND = ["compress", "<model>", "--out", "<out>", "--export", "hf", "--sparsity", SPARSITY]

# Small enough that both checkpoints together stay well under 100 KB (f32).
CONFIG = dict(
    architectures=["Wav2Vec2ForCTC"],
    vocab_size=32,
    hidden_size=16,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=32,
    conv_dim=(16, 16, 16),
    conv_kernel=(10, 4, 4),
    conv_stride=(5, 4, 4),
    num_conv_pos_embeddings=8,
    num_conv_pos_embedding_groups=2,
)

# case -> config overrides: both encoder layer-norm orders and both conv feature-encoder norms.
CASES = {
    # facebook/wav2vec2-base-960h's layout: post-LN encoder, GroupNorm on conv 0 only, no conv bias.
    "post-ln": dict(do_stable_layer_norm=False, feat_extract_norm="group", conv_bias=False),
    # facebook/wav2vec2-large-960h-lv60-self's layout: pre-LN, LayerNorm on every conv, conv biases.
    "stable-ln": dict(do_stable_layer_norm=True, feat_extract_norm="layer", conv_bias=True),
}


def cli(*args):
    """Runs the built speechfold CLI; exits with its stderr when it fails."""
    if not os.path.exists(os.path.join(ROOT, "packages", "cli", "dist", "main.js")):
        sys.exit("packages/cli/dist is missing: run `npm run build` first")
    r = subprocess.run(["node", CLI, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"speechfold {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")


def b64(tensor):
    return base64.b64encode(np.ascontiguousarray(tensor.numpy(), dtype="<f4").tobytes()).decode("ascii")


def header(model_dir):
    """The safetensors header's tensors in file order: [{name, dtype, shape}] (no weights read)."""
    with open(os.path.join(model_dir, "model.safetensors"), "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        entries = json.loads(f.read(n))
    entries.pop("__metadata__", None)
    ordered = sorted(entries.items(), key=lambda kv: kv[1]["data_offsets"][0])
    return [{"name": k, "dtype": v["dtype"], "shape": v["shape"]} for k, v in ordered]


def waveform():
    g = torch.Generator().manual_seed(INPUT_SEED)
    return 0.1 * torch.randn(1, SAMPLES, generator=g)


def load(model_dir, problems, what):
    """Stock from_pretrained with loading info; every key must come from the file, with its shape."""
    model, info = Wav2Vec2ForCTC.from_pretrained(model_dir, output_loading_info=True, dtype=torch.float32)
    model.eval()
    info = {k: sorted(str(x) for x in v) for k, v in info.items()}
    for key, values in info.items():
        if values:
            problems.append(f"{what}: {key} {values}")
    state = {k: list(v.shape) for k, v in model.state_dict().items()}
    for t in header(model_dir):
        if state.get(t["name"]) != t["shape"]:
            problems.append(f"{what}: {t['name']} is {t['shape']} in the file, {state.get(t['name'])} in the model")
    return model, info


def logits_of(model, wave):
    with torch.no_grad():
        return model(wave).logits.float()


def run_case(name, overrides, wave, tmp, problems):
    case_dir = os.path.join(FIXTURE, name)
    shutil.rmtree(case_dir, ignore_errors=True)
    torch.manual_seed(SEED)
    config = Wav2Vec2Config(**CONFIG, **overrides)
    Wav2Vec2ForCTC(config).save_pretrained(case_dir)
    original, _ = load(case_dir, problems, f"{name} original")
    reference = logits_of(original, wave)

    out = os.path.join(tmp, f"{name}-s{SPARSITY}")
    report = out + ".json"
    cli("compress", case_dir, "--out", out, "--export", "hf", "--sparsity", SPARSITY, "--report", report, "--quiet")
    model, info = load(out, problems, f"{name} compressed")
    logits = logits_of(model, wave)
    with open(os.path.join(out, "config.json")) as f:
        out_config = json.load(f)
    tensors = header(out)
    widths = sorted({t["shape"][0] for t in tensors if t["name"].endswith("feed_forward.intermediate_dense.weight")})
    if widths != [out_config["intermediate_size"]]:
        problems.append(f"{name}: intermediate_size {out_config['intermediate_size']} vs FFN widths {widths}")
    if not bool(torch.isfinite(logits).all()):
        problems.append(f"{name}: non-finite logits")
    if logits.shape != reference.shape:
        problems.append(f"{name}: logits {list(logits.shape)} vs the original's {list(reference.shape)}")
    with open(report) as f:
        groups = [{"name": g["name"], "n": g["n"], "k": g["k"]} for g in json.load(f)["groups"]]

    # Nothing folded: the output must compute exactly the original function.
    same = os.path.join(tmp, f"{name}-s0")
    cli("compress", case_dir, "--out", same, "--export", "hf", "--sparsity", "0", "--quiet")
    unchanged, _ = load(same, problems, f"{name} sparsity 0")
    diff0 = float((logits_of(unchanged, wave) - reference).abs().max())
    if diff0 != 0.0:
        problems.append(f"{name}: --sparsity 0 changed the logits by {diff0}")

    return {
        "dir": name,
        "overrides": overrides,
        "original": {
            "parameters": sum(p.numel() for p in original.state_dict().values()),
            "logits_shape": list(reference.shape),
            "logits": b64(reference),
        },
        "compressed": {
            "config": out_config,
            "tensors": tensors,
            "groups": groups,
            "loading_info": info,
            "parameters": sum(p.numel() for p in model.state_dict().values()),
            "logits_shape": list(logits.shape),
            "logits": b64(logits),
            "finite": bool(torch.isfinite(logits).all()),
            "max_abs_diff_vs_original": float((logits - reference).abs().max()),
        },
        "sparsity_0_max_abs_diff": diff0,
    }


def main():
    os.makedirs(FIXTURE, exist_ok=True)
    wave = waveform()
    problems = []
    record = {
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__.split("+")[0]},
        "seed": SEED,
        "config": CONFIG,
        "command": COMMAND,
        "input": {
            "seed": INPUT_SEED,
            "samples": SAMPLES,
            "how": "0.1 * torch.randn(1, samples, generator=torch.Generator().manual_seed(seed))",
            "sha256": hashlib.sha256(np.ascontiguousarray(wave.numpy(), dtype="<f4").tobytes()).hexdigest(),
        },
        "cases": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, overrides in CASES.items():
            case = run_case(name, overrides, wave, tmp, problems)
            record["cases"][name] = case
            c = case["compressed"]
            print(
                f"{name}: {case['original']['parameters']} -> {c['parameters']} parameters, "
                f"intermediate_size {CONFIG['intermediate_size']} -> {c['config']['intermediate_size']}, "
                f"loads with {sum(len(v) for v in c['loading_info'].values())} key problems, "
                f"logits {c['logits_shape']} finite {c['finite']}, "
                f"max |diff| vs original {c['max_abs_diff_vs_original']:.3g}, sparsity 0: {case['sparsity_0_max_abs_diff']}"
            )
    text = json.dumps(record, indent=1)
    # One line per tensor entry and per short list, so the record stays readable and small.
    text = re.sub(r"\[\s*([-\d.,\s]*?)\s*\]", lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",") + "]", text)
    text = re.sub(r'\{\s*("name": [^{}\[\]]*"shape": \[[^\]]*\])\s*\}', lambda m: "{" + " ".join(m.group(1).split()) + "}", text)
    text = re.sub(r'\{\s*("name": "[^"]*",\s*"n": \d+,\s*"k": \d+)\s*\}', lambda m: "{" + " ".join(m.group(1).split()) + "}", text)
    with open(os.path.join(FIXTURE, "expected.json"), "w") as f:
        f.write(text + "\n")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"ok: wrote {os.path.relpath(FIXTURE, ROOT)}/")


if __name__ == "__main__":
    main()
