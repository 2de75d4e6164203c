#!/usr/bin/env python3
"""Reference outputs of HF transformers' Whisper for @speechfold/runtime-whisper's parity tests.

For each case below, a small whisper-tiny-shaped checkpoint is synthesised with speechfold's own
`synthesize` (the same call the TS test makes, so the weights are the same bytes: the fixture keeps
model.safetensors' sha256 and the test checks it), loaded with stock
`WhisperForConditionalGeneration.from_pretrained` (fp32, eval), and run on fixed log-mel features
[1, 80, 2 * max_source_positions] (3000 frames but in the quick case). The features are not stored
(they would be ~1 MB): both sides generate them with the same xorshift32 stream (see `features()`),
and the fixture keeps their sha256.

Stored per case:
  - encoder output: shape, sum, sum of |x|, and some full rows (float32, base64);
  - decoder logits of the prompt at chosen ids (every prompt position);
  - generate(language='en', task='transcribe', max_new_tokens=20, do_sample=False) (no language or
    task for the English-only case, whose prompt is <|startoftranscript|> <|notimestamps|>): the token ids,
    and at every step the raw logits' top 5 (ids, values) and the gap between the best two
    candidates after suppression (how safe the argmax is from float noise).
Stored once: byte-level BPE decodes (ids -> text, with and without skip_special_tokens) and
encodes (text -> ids, add_special_tokens=False) by HF's WhisperTokenizer.

Writes tools/reference/fixtures/whisper-runtime-parity.json. Run from the repo root after
`npm run build`:  python3 tools/reference/whisper_runtime_reference.py   (never touches the hub)
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"  # everything is local; never reach a hub

import numpy as np
import torch
import transformers
from transformers import WhisperForConditionalGeneration, WhisperTokenizer

transformers.utils.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYNTH = os.path.join(ROOT, "packages", "synth", "dist", "index.js")
OUT_JSON = os.path.join(ROOT, "tools", "reference", "fixtures", "whisper-runtime-parity.json")

FEATURE_SEED = 20240611
MEL_BINS = 80
MAX_NEW_TOKENS = 20
PROMPT = [50258, 50259, 50359, 50363]  # <|startoftranscript|> <|en|> <|transcribe|> <|notimestamps|>
PROMPT_EN = [50257, 50362]  # English-only vocabulary: <|startoftranscript|> <|notimestamps|>

# Small enough for fast tests, with the real vocabulary (real token ids) and 1500 encoder positions.
SMALL = {"d_model": 64, "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 4,
         "decoder_attention_heads": 4, "encoder_ffn_dim": 128, "decoder_ffn_dim": 128}
# 'untied': proj_out stored apart from embed_tokens, so logits are not dominated by the input
# token's own embedding and greedy ids vary from step to step (seed 1: 20 distinct ids in 20 steps).
# 'tied': the usual layout (proj_out = embed_tokens); with random weights it repeats one token.
# 'scale-embedding': scale_embedding=True, which HF's WhisperDecoder ignores (embed_scale is never
# applied); 300 input frames (max_source_positions 150) keep it quick.
# 'english-only': the whisper-tiny.en layout (vocab 51864, specials one id lower, no language or task
# token in the prompt), untied so that ids vary.
CASES = [
    {"name": "untied", "seed": 1, "config": {**SMALL, "tie_word_embeddings": False}},
    {"name": "tied", "seed": 0, "config": SMALL},
    {"name": "scale-embedding", "seed": 2, "config": {**SMALL, "scale_embedding": True, "max_source_positions": 150}},
    {"name": "english-only", "arch": "whisper-tiny.en", "seed": 3,
     "config": {**SMALL, "tie_word_embeddings": False, "max_source_positions": 150}},
]


def features(frames):
    """[80, frames] float32 from xorshift32(FEATURE_SEED): value = ((u >> 8) - 2^23) / 2^23, row-major.
    Exactly representable in float32, so both languages produce identical bytes."""
    n = MEL_BINS * frames
    out = np.empty(n, dtype=np.float32)
    x = FEATURE_SEED
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = ((x >> 8) - (1 << 23)) / float(1 << 23)
    return out.reshape(MEL_BINS, frames)


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def synthesize(out_dir, seed, config, arch="whisper-tiny"):
    """speechfold's synthesize() through node, exactly as the TS test calls it."""
    opts = {"arch": arch, "outDir": out_dir, "dtype": "F32", "seed": seed, "config": config}
    script = f"require({json.dumps(SYNTH)}).synthesize({json.dumps(opts)}).catch(e => {{ console.error(e); process.exit(1); }})"
    r = subprocess.run(["node", "-e", script], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"synthesize failed:\n{r.stderr}")


def run_case(case):
    frames = 2 * case["config"].get("max_source_positions", 1500)
    x = features(frames)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = os.path.join(tmp, "model")
        arch = case.get("arch", "whisper-tiny")
        synthesize(model_dir, case["seed"], case["config"], arch)
        checksum = sha256_file(os.path.join(model_dir, "model.safetensors"))
        model = WhisperForConditionalGeneration.from_pretrained(model_dir, dtype=torch.float32).eval()
        gen_cfg = model.generation_config
        english_only = not gen_cfg.is_multilingual
        prompt = PROMPT_EN if english_only else PROMPT
        # HF refuses a language or task for an English-only model; its prompt has neither.
        kwargs = {} if english_only else {"language": "en", "task": "transcribe"}
        feats = torch.from_numpy(x).unsqueeze(0)
        with torch.no_grad():
            enc = model.model.encoder(feats).last_hidden_state[0].numpy()
            logits = model(input_features=feats, decoder_input_ids=torch.tensor([prompt])).logits[0].numpy()
            plain = model.generate(feats, **kwargs, max_new_tokens=MAX_NEW_TOKENS, do_sample=False)
            full = model.generate(feats, **kwargs, max_new_tokens=MAX_NEW_TOKENS, do_sample=False,
                                  return_dict_in_generate=True, output_logits=True, output_scores=True)
    sequence = full.sequences[0].tolist()
    assert sequence[:len(prompt)] == prompt, f"unexpected prompt {sequence[:len(prompt)]}"
    generated = sequence[len(prompt):]
    eos = gen_cfg.eos_token_id
    tokens = generated[:-1] if generated and generated[-1] == eos else generated
    assert plain[0].tolist() == tokens, f"plain generate {plain[0].tolist()} != {tokens}"

    steps = []
    for raw, scored in zip(full.logits, full.scores):
        top = torch.topk(raw[0], 5)
        best2 = torch.topk(scored[0], 2).values
        steps.append({"top_ids": top.indices.tolist(), "top_values": [float(v) for v in top.values],
                      "suppressed_top2_gap": float(best2[0] - best2[1])})

    rows = sorted({0, 1, 2, *range(50, enc.shape[0], 50), enc.shape[0] - 1})
    rng = np.random.default_rng(case["seed"])
    ids = set(range(64)) | set(range(50257, 50364)) | set(rng.choice(logits.shape[1], 64, replace=False).tolist())
    for r in range(logits.shape[0]):
        ids |= set(np.argsort(-logits[r])[:16].tolist())
    ids = sorted(int(i) for i in ids)
    return {
        "name": case["name"],
        "synth": {"arch": arch, "dtype": "F32", "seed": case["seed"], "config": case["config"]},
        "model_sha256": checksum,
        "features": {"generator": "xorshift32", "seed": FEATURE_SEED, "shape": [MEL_BINS, frames],
                     "sha256": hashlib.sha256(x.astype("<f4").tobytes()).hexdigest()},
        "encoder": {"shape": list(enc.shape), "sum": float(enc.astype(np.float64).sum()),
                    "abs_sum": float(np.abs(enc.astype(np.float64)).sum()), "rows": rows, "values": b64(enc[rows])},
        "prompt": prompt,
        "prompt_logits": {"ids": ids, "values": b64(logits[:, ids]), "argmax": [int(i) for i in logits.argmax(axis=1)]},
        "generate": {"max_new_tokens": MAX_NEW_TOKENS, "tokens": tokens, "sequence": sequence, "steps": steps,
                     "min_suppressed_top2_gap": min(s["suppressed_top2_gap"] for s in steps)},
    }


def tokenizer_cases(tok):
    """Decodes and encodes by HF's WhisperTokenizer of the synthetic vocabulary."""
    # GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest take U+0100 upwards.
    chars = {b: chr(b) for b in range(256) if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b <= 0xFF}
    for n, b in enumerate(b for b in range(256) if b not in chars):
        chars[b] = chr(256 + n)
    table = {b: tok.convert_tokens_to_ids(c) for b, c in chars.items()}

    def ids_of(data: bytes):
        return [table[b] for b in data]

    texts = ["Hello world, it's 3 o'clock -- naive cafe!", " the quick brown fox jumped over the lazy dog",
             "Ünïcödé — “quotes” and 日本語 text\n  with  spaces\tand tabs",
             "special <|endoftext|> inside and <|0.50|> a timestamp", "I'll we've they're don't 12345 3.14"]
    encodes = [{"text": t, "ids": tok.encode(t, add_special_tokens=False)} for t in texts]
    sot, eot, prev, ts0 = 50258, 50257, 50361, 50364
    id_lists = [
        encodes[0]["ids"],
        PROMPT + encodes[1]["ids"] + [eot],
        PROMPT + [ts0] + encodes[2]["ids"] + [ts0 + 25] + [eot],
        [prev] + encodes[4]["ids"][:3] + [sot, 50259, 50359] + encodes[0]["ids"][:5],
        [prev] + encodes[4]["ids"][:3],
        ids_of("café".encode("utf-8")[:-1]) + ids_of(b"A"),  # a lone lead byte
        ids_of("—".encode("utf-8")[:2]) + [eot] + ids_of("—".encode("utf-8")[2:]),  # split by a special token
        ids_of("\ufeffBOM first".encode("utf-8")),
        [1000, 5000, 40000, 50256, 51864],
    ]
    decodes = []
    for ids in id_lists:
        for skip in (False, True):
            decodes.append({"ids": ids, "skip_special_tokens": skip, "text": tok.decode(ids, skip_special_tokens=skip)})
    return encodes, decodes


def main():
    if not os.path.exists(SYNTH):
        sys.exit("packages/synth/dist is missing: run `npm run build` first")
    cases = []
    for case in CASES:
        result = run_case(case)
        cases.append(result)
        g = result["generate"]
        print(f"{case['name']}: {len(g['tokens'])} tokens {g['tokens']} min gap {g['min_suppressed_top2_gap']:.4g}")
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = os.path.join(tmp, "model")
        synthesize(model_dir, 0, SMALL)
        tok = WhisperTokenizer.from_pretrained(model_dir)
        encodes, decodes = tokenizer_cases(tok)
    fixture = {
        "generator": "tools/reference/whisper_runtime_reference.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__},
        "cases": cases,
        "tokenizer": {"encodes": encodes, "decodes": decodes},
    }
    with open(OUT_JSON, "w") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT_JSON, ROOT)} ({os.path.getsize(OUT_JSON)} bytes)")


if __name__ == "__main__":
    main()
