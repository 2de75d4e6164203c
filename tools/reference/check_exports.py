#!/usr/bin/env python3
"""Checks that speechfold's exports load in stock HF transformers and compute what they should.

For hubert-tiny and whisper-tiny (synthesised with the CLI, f32, seed 0) this script compresses
with k-means (uniform policy, ffn groups) exported as `hf` (stock config, smaller FFN widths) and
as `dense` (original shapes, same seed so the clustering is identical), with magnitude pruning
exported as `hf`, and with `--sparsity 0`. Each result is loaded with stock
`from_pretrained(..., output_loading_info=True)` and run on fixed seeded inputs.

Checks (any failure -> exit 1):
  - loads, with no missing / unexpected / mismatched keys;
  - every tensor in model.safetensors has the shape the stock config gives it, and each FFN
    width field (intermediate_size / encoder_ffn_dim / decoder_ffn_dim) equals its tensors' width;
  - the logits are finite;
  - dense export vs hf export: max |logits diff| <= 1e-3 (the dense model computes the folded
    model's function);
  - original vs the `--sparsity 0` output: max |logits diff| == 0.
The original-vs-compressed difference is only reported.

Writes tools/reference/fixtures/export-check.json and prints a table. Run from the repo root
after `npm run build`:  python3 tools/reference/check_exports.py   (never touches the hub)
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"  # everything is local; never reach a hub

import torch
import transformers
from transformers import HubertForCTC, WhisperForConditionalGeneration

transformers.utils.logging.disable_progress_bar()  # keep the output to the table

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(ROOT, "packages", "cli", "bin", "speechfold.js")
OUT_JSON = os.path.join(ROOT, "tools", "reference", "fixtures", "export-check.json")
SEED = 0
DENSE_TOL = 1e-3

# arch -> (HF class, FFN width fields and the tensor-name pieces whose rows carry that width,
# k-means/magnitude sparsities to test)
ARCHS = {
    "hubert-tiny": (HubertForCTC,
                    {"intermediate_size": ["encoder.layers.", ".feed_forward.intermediate_dense.weight"]},
                    [0.5]),
    "whisper-tiny": (WhisperForConditionalGeneration,
                     {"encoder_ffn_dim": ["encoder.layers.", ".fc1.weight"],
                      "decoder_ffn_dim": ["decoder.layers.", ".fc1.weight"]},
                     [0.1, 0.5]),
}


def cli(*args):
    """Runs the speechfold CLI; raises with its stderr if it fails."""
    r = subprocess.run(["node", CLI, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"speechfold {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")


def safetensors_shapes(model_dir):
    """Tensor name -> shape, read from the safetensors header (no weights loaded)."""
    with open(os.path.join(model_dir, "model.safetensors"), "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    return {k: v["shape"] for k, v in header.items() if k != "__metadata__"}


def make_inputs(arch):
    """Fixed seeded inputs: 1 s of random waveform, or random log-mel features + 4 prompt ids."""
    g = torch.Generator().manual_seed(1234)
    if arch.startswith("hubert"):
        return {"input_values": torch.randn(1, 16000, generator=g)}
    return {"input_features": torch.randn(1, 80, 3000, generator=g),
            "decoder_input_ids": torch.tensor([[50258, 50259, 50359, 50363]])}


def check_case(arch, model_dir, inputs):
    """Loads model_dir with the stock class, checks keys / shapes / dims, returns (record, logits)."""
    cls, ffn_fields, _ = ARCHS[arch]
    rec = {"loaded": False, "missing_keys": [], "unexpected_keys": [], "mismatched_keys": [],
           "error_msgs": [], "shape_errors": [], "ffn_dims": {}, "finite": None}
    try:
        model, info = cls.from_pretrained(model_dir, output_loading_info=True, dtype=torch.float32)
    except Exception as e:  # a load failure is a finding, not a crash of the script
        rec["error"] = f"{type(e).__name__}: {e}"[:500]
        return rec, None
    rec["loaded"] = True
    rec["missing_keys"] = sorted(info.get("missing_keys", []))
    rec["unexpected_keys"] = sorted(info.get("unexpected_keys", []))
    rec["mismatched_keys"] = sorted(str(m) for m in info.get("mismatched_keys", []))
    rec["error_msgs"] = [str(m) for m in info.get("error_msgs", [])]
    # Every tensor in the file must have the shape the stock config builds for it. (HuBERT's
    # weight-norm conv is stored as weight_g / weight_v; torch names them original0 / original1.)
    expected = {k: list(v.shape) for k, v in model.state_dict().items()}
    file_shapes = safetensors_shapes(model_dir)
    rec["tensors_in_file"], rec["tensors_shape_checked"] = len(file_shapes), 0
    for name, shape in file_shapes.items():
        key = re.sub(r"\.weight_g$", ".parametrizations.weight.original0", name)
        key = re.sub(r"\.weight_v$", ".parametrizations.weight.original1", key)
        if key in expected:
            rec["tensors_shape_checked"] += 1
            if expected[key] != shape:
                rec["shape_errors"].append(f"{name}: file {shape} vs config {expected[key]}")
    # Each FFN width field must equal the rows of every layer's up-projection in the file.
    for field, (pre, post) in ffn_fields.items():
        widths = sorted({s[0] for k, s in file_shapes.items() if pre in k and k.endswith(post)})
        rec["ffn_dims"][field] = {"config": getattr(model.config, field), "tensors": widths}
        if widths != [getattr(model.config, field)]:
            rec["shape_errors"].append(f"{field}={getattr(model.config, field)} vs tensor widths {widths}")
    rec["parameters"] = sum(p.numel() for p in model.parameters())
    model.eval()
    with torch.no_grad():
        logits = model(**inputs).logits.float()
    rec["logits_shape"] = list(logits.shape)
    rec["finite"] = bool(torch.isfinite(logits).all())
    rec["logits_max_abs"] = float(logits.abs().max())  # scale for the differences below
    return rec, logits


def max_abs(a, b):
    """Max |a - b|, or None where either side is missing or the shapes differ."""
    if a is None or b is None or a.shape != b.shape:
        return None
    return float((a - b).abs().max())


def run_arch(arch, tmp):
    """Synthesises arch, compresses it every way, checks each result. Returns the case records."""
    _, _, sparsities = ARCHS[arch]
    orig = os.path.join(tmp, arch)
    cli("synth", "--arch", arch, "--out", orig, "--dtype", "f32", "--seed", str(SEED))
    # (case name, method, sparsity, export); the first is the uncompressed original.
    cases = [("original", None, None, None), ("kmeans-s0-hf", "kmeans", 0.0, "hf")]
    for s in sparsities:
        cases += [(f"kmeans-s{s}-hf", "kmeans", s, "hf"), (f"kmeans-s{s}-dense", "kmeans", s, "dense"),
                  (f"magnitude-s{s}-hf", "magnitude", s, "hf")]
    inputs = make_inputs(arch)
    records, logits = [], {}
    for name, method, s, export in cases:
        model_dir = orig
        if method is not None:
            model_dir = os.path.join(tmp, f"{arch}-{name}")
            cli("compress", orig, "--out", model_dir, "--method", method, "--sparsity", str(s),
                "--policy", "uniform", "--groups", "ffn", "--export", export, "--seed", str(SEED),
                "--quiet")
        rec, out = check_case(arch, model_dir, inputs)
        rec = {"arch": arch, "case": name, "method": method, "sparsity": s, "export": export, **rec}
        logits[name] = out
        records.append(rec)
    # Differences: every case vs the original; dense vs the hf export of the same clustering.
    for rec in records:
        if rec["case"] != "original":
            rec["max_abs_diff_vs_original"] = max_abs(logits[rec["case"]], logits["original"])
        if rec["export"] == "dense":
            rec["max_abs_diff_dense_vs_hf"] = max_abs(logits[rec["case"]],
                                                      logits[rec["case"].replace("-dense", "-hf")])
    return records


def failures(rec):
    """The failed checks of one case record (empty when it passes)."""
    f = []
    if not rec["loaded"]:
        f.append("load: " + rec.get("error", "?"))
        return f
    for kind in ("missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs"):
        if rec[kind]:
            f.append(f"{kind}: {rec[kind][:5]}")
    f += rec["shape_errors"]
    if not rec["finite"]:
        f.append("non-finite logits")
    if rec["export"] == "dense":
        d = rec.get("max_abs_diff_dense_vs_hf")
        if d is None or d > DENSE_TOL:
            f.append(f"dense vs hf max abs diff {d} > {DENSE_TOL}")
    if rec["sparsity"] == 0.0 and rec.get("max_abs_diff_vs_original") != 0.0:
        f.append(f"sparsity 0 vs original max abs diff {rec.get('max_abs_diff_vs_original')} != 0")
    return f


def fmt(x):
    return "-" if x is None else f"{x:.3e}"


def main():
    torch.manual_seed(SEED)
    with tempfile.TemporaryDirectory(prefix="speechfold-export-check-") as tmp:
        records = [r for arch in ARCHS for r in run_arch(arch, tmp)]
    for rec in records:
        rec["failures"] = failures(rec)
    ok = all(not r["failures"] for r in records)

    # Table: one row per case.
    print(f"{'arch':13} {'case':20} {'load':4} {'miss/unexp':10} {'ffn dims (config)':24} "
          f"{'finite':6} {'vs original':11} {'dense vs hf':11} result")
    for r in records:
        dims = ",".join(str(v["config"]) for v in r["ffn_dims"].values()) or "-"
        keys = f"{len(r['missing_keys'])}/{len(r['unexpected_keys'])}"
        print(f"{r['arch']:13} {r['case']:20} {'ok' if r['loaded'] else 'FAIL':4} {keys:10} {dims:24} "
              f"{str(r['finite']):6} {fmt(r.get('max_abs_diff_vs_original')):11} "
              f"{fmt(r.get('max_abs_diff_dense_vs_hf')):11} {'ok' if not r['failures'] else 'FAIL'}")
        for f in r["failures"]:
            print(f"    FAIL {f}")

    # Fixture: figures only (no temp paths, no timings) so reruns give the same file.
    fixture = {
        "generator": "tools/reference/check_exports.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__},
        "seed": SEED, "dense_vs_hf_tolerance": DENSE_TOL, "all_passed": ok,
        "cases": records,
    }
    os.makedirs(os.path.dirname(OUT_JSON), exist_ok=True)
    with open(OUT_JSON, "w") as f:
        json.dump(fixture, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT_JSON, ROOT)}: {'all checks passed' if ok else 'CHECKS FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
