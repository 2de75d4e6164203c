#!/usr/bin/env python3
"""Writes the tiny CTranslate2 Whisper fixtures that @speechfold/import-ctranslate2's tests read.

A tiny WhisperForConditionalGeneration (d_model 8, 2 heads, 2+2 layers, ffn 12, 4 mel bins,
vocab 24, seeded random weights) is written as a CTranslate2 model.bin by the small writer below
(no ctranslate2 needed), once per quantization: float32, float16, bfloat16, int8 (= int8_float32),
int8_float16 and int16. The writer follows CTranslate2 4.x's WhisperSpec converter:
  - q, k, v of self-attention fused into linear_0 ([q; k; v] rows, the bias of k all zeros since
    Whisper's k_proj has none); cross-attention keeps q in linear_0 and fuses [k; v] into linear_1;
  - variables sorted by name; a variable equal to an earlier one (in name order) becomes an alias
    of it (so proj_out -> embeddings, and one bias this script copies on purpose);
  - int8: per-row scale 127 / max|row| (conv weights flattened to rows), int16: one scale
    2^10 / max|W|; stored integer q = rint(W * scale), so W ~= q / scale; scales stay float32.
Also written: the HF state dict (reference.safetensors, f32), CTranslate2's config.json and
vocabulary.json, and a byte-level BPE tokenizer.json with Whisper's special tokens.

When ctranslate2 is importable, every file is cross-checked against ctranslate2's own converter
(same variables, dtypes, shapes, bytes and aliases) and loaded by ctranslate2.models.Whisper; the
outcome goes to manifest.json.

Run from the repo root:  python3 tools/reference/ct2_fixtures.py
"""
import copy
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile

import numpy as np
import torch
import transformers
from safetensors.torch import save_file
from transformers import WhisperConfig, WhisperForConditionalGeneration

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ct2_read  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tools", "reference", "fixtures", "ct2-tiny-whisper")
QUANTIZATIONS = ["float32", "float16", "bfloat16", "int8", "int8_float16", "int16"]
SEED = 0

# Byte-level BPE pieces of the tiny vocabulary, then Whisper's special tokens and two timestamps.
BPE_TOKENS = ["!", "a", "b", "c", "\u0120", "ab", "\u0120a", "\u0120ab", "abc", "ca", "\u0120c", "bc"]
MERGES = [["a", "b"], ["\u0120", "a"], ["\u0120a", "b"], ["ab", "c"], ["c", "a"], ["\u0120", "c"], ["b", "c"]]
SPECIALS = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|de|>", "<|translate|>", "<|transcribe|>",
            "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]
TIMESTAMPS = ["<|0.00|>", "<|0.02|>"]
VOCAB = BPE_TOKENS + SPECIALS + TIMESTAMPS
EOT = len(BPE_TOKENS)

CT2_CONFIG = {
    "alignment_heads": [[1, 0], [1, 1]],
    "lang_ids": [EOT + 2, EOT + 3],
    "suppress_ids": [0, 9, EOT + 1, EOT + 4, EOT + 5, EOT + 6, EOT + 7, EOT + 8],
    "suppress_ids_begin": [4, EOT],
}


def tiny_model():
    """The seeded tiny HF model; every parameter random so no split or mapping error hides."""
    config = WhisperConfig(
        vocab_size=len(VOCAB), num_mel_bins=4, d_model=8, encoder_layers=2, encoder_attention_heads=2,
        decoder_layers=2, decoder_attention_heads=2, encoder_ffn_dim=12, decoder_ffn_dim=12,
        max_source_positions=6, max_target_positions=8, pad_token_id=EOT, bos_token_id=EOT,
        eos_token_id=EOT, decoder_start_token_id=EOT + 1)
    model = WhisperForConditionalGeneration(config).eval()
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
        # A duplicate (CTranslate2 stores it as an alias) and an all-zero row (int8 scale edge case).
        model.model.decoder.layers[1].fc2.bias.copy_(model.model.decoder.layers[0].fc2.bias)
        model.model.decoder.layers[0].fc1.weight[3].zero_()
    return model


def ct2_variables(model):
    """CTranslate2 WhisperSpec variables (float32 numpy) and settings, by name."""
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    cfg = model.config
    out = {}

    def linear(dst, src_list, biases=True):
        out[dst + "/weight"] = np.concatenate([sd[s + ".weight"] for s in src_list])
        if biases:
            out[dst + "/bias"] = np.concatenate(
                [sd.get(s + ".bias", np.zeros(sd[s + ".weight"].shape[0], np.float32)) for s in src_list])

    def norm(dst, src):
        out[dst + "/gamma"] = sd[src + ".weight"]
        out[dst + "/beta"] = sd[src + ".bias"]

    def ffn(dst, src):
        linear(dst + "/linear_0", [src + ".fc1"])
        linear(dst + "/linear_1", [src + ".fc2"])
        norm(dst + "/layer_norm", src + ".final_layer_norm")

    e = "model.encoder"
    for i in (1, 2):
        out[f"encoder/conv{i}/weight"] = sd[f"{e}.conv{i}.weight"]
        out[f"encoder/conv{i}/bias"] = sd[f"{e}.conv{i}.bias"]
    out["encoder/position_encodings/encodings"] = sd[f"{e}.embed_positions.weight"]
    for l in range(cfg.encoder_layers):
        s, d = f"{e}.layers.{l}", f"encoder/layer_{l}"
        linear(d + "/self_attention/linear_0", [f"{s}.self_attn.{p}" for p in ("q_proj", "k_proj", "v_proj")])
        linear(d + "/self_attention/linear_1", [f"{s}.self_attn.out_proj"])
        norm(d + "/self_attention/layer_norm", f"{s}.self_attn_layer_norm")
        ffn(d + "/ffn", s)
    norm("encoder/layer_norm", f"{e}.layer_norm")
    dec = "model.decoder"
    out["decoder/embeddings/weight"] = sd[f"{dec}.embed_tokens.weight"]
    out["decoder/position_encodings/encodings"] = sd[f"{dec}.embed_positions.weight"]
    for l in range(cfg.decoder_layers):
        s, d = f"{dec}.layers.{l}", f"decoder/layer_{l}"
        linear(d + "/self_attention/linear_0", [f"{s}.self_attn.{p}" for p in ("q_proj", "k_proj", "v_proj")])
        linear(d + "/self_attention/linear_1", [f"{s}.self_attn.out_proj"])
        norm(d + "/self_attention/layer_norm", f"{s}.self_attn_layer_norm")
        linear(d + "/attention/linear_0", [f"{s}.encoder_attn.q_proj"])
        linear(d + "/attention/linear_1", [f"{s}.encoder_attn.{p}" for p in ("k_proj", "v_proj")])
        linear(d + "/attention/linear_2", [f"{s}.encoder_attn.out_proj"])
        norm(d + "/attention/layer_norm", f"{s}.encoder_attn_layer_norm")
        ffn(d + "/ffn", s)
    norm("decoder/layer_norm", f"{dec}.layer_norm")
    out["decoder/projection/weight"] = sd["proj_out.weight"]
    settings = {
        "decoder/activation": np.int8(3),  # GELU
        "decoder/alibi": np.int8(0),
        "decoder/alibi_use_positive_positions": np.int8(0),
        "decoder/alignment_heads": np.int16(1),
        "decoder/alignment_layer": np.int16(-1),
        "decoder/num_heads": np.int16(cfg.decoder_attention_heads),
        "decoder/pre_norm": np.int8(1),
        "decoder/scale_alibi": np.int8(0),
        "decoder/scale_embeddings": np.int8(0),
        "decoder/start_from_zero_embedding": np.int8(0),
        "encoder/num_heads": np.int16(cfg.encoder_attention_heads),
    }
    return out, settings


def aliases_of(weights):
    """CTranslate2's rule: a variable equal to an earlier one (name order) aliases the first such."""
    names = sorted(weights)
    aliases = {}
    for name in reversed(names):
        for other in names:
            if other == name:
                break
            a, b = weights[name], weights[other]
            if a.shape == b.shape and np.array_equal(a, b):
                aliases[name] = other
                break
    return aliases


def to_bytes(array, dtype):
    if dtype == "bfloat16":
        return torch.from_numpy(np.ascontiguousarray(array, np.float32)).to(torch.bfloat16).view(torch.int16).numpy().tobytes()
    return np.ascontiguousarray(array.astype(dtype)).tobytes()


def quantize(name, value, quantization):
    """[(name, dtype, shape, bytes)] of one float32 variable under `quantization`."""
    float_dtype = {"float16": "float16", "int8_float16": "float16", "bfloat16": "bfloat16"}.get(quantization, "float32")
    if not name.endswith("/weight") or quantization in ("float32", "float16", "bfloat16"):
        return [(name, float_dtype, list(value.shape), to_bytes(value, float_dtype))]
    if quantization == "int16":
        scale = np.float32(2 ** 10 / np.amax(np.absolute(value)))
        q = np.clip(np.rint(value * scale), -32768, 32767).astype(np.int16)
        return [(name, "int16", list(value.shape), q.tobytes()),
                (name + "_scale", "float32", [], np.float32(scale).tobytes())]
    rows = value.reshape(value.shape[0], -1)
    amax = np.amax(np.absolute(rows), axis=1)
    amax[amax == 0] = 127.0
    amax = np.maximum(amax, np.float32(127) / np.finfo(np.float32).max)
    scale = (np.float32(127.0) / amax).astype(np.float32)
    q = np.rint(rows * np.expand_dims(scale, 1)).astype(np.int8).reshape(value.shape)
    return [(name, "int8", list(value.shape), q.tobytes()), (name + "_scale", "float32", [len(scale)], scale.tobytes())]


def write_model_bin(path, weights, settings, quantization):
    aliases = aliases_of(weights)
    entries = []
    for name in sorted(set(weights) | set(settings)):
        if name in settings:
            v = settings[name]
            entries.append((name, str(v.dtype), [], v.tobytes()))
        elif name not in aliases:
            entries.extend(quantize(name, weights[name], quantization))
    entries.sort(key=lambda e: e[0])
    type_ids = {"float32": 0, "int8": 1, "int16": 2, "int32": 3, "float16": 4, "bfloat16": 5}

    def string(s):
        raw = s.encode("utf-8")
        return struct.pack("<H", len(raw) + 1) + raw + b"\0"

    with open(path, "wb") as f:
        f.write(struct.pack("<I", 6) + string("WhisperSpec") + struct.pack("<I", 3))
        f.write(struct.pack("<I", len(entries)))
        for name, dtype, shape, data in entries:
            f.write(string(name) + struct.pack("<B", len(shape)) + struct.pack(f"<{len(shape)}I", *shape))
            f.write(struct.pack("<BI", type_ids[dtype], len(data)) + data)
        f.write(struct.pack("<I", len(aliases)))
        for alias in sorted(aliases):
            f.write(string(alias) + string(aliases[alias]))


def tokenizer_json():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    tok = Tokenizer(models.BPE({t: i for i, t in enumerate(BPE_TOKENS)}, [tuple(m) for m in MERGES]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    from tokenizers import AddedToken
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIALS])
    tok.add_tokens([AddedToken(t, special=False, normalized=True) for t in TIMESTAMPS])
    return tok.to_str(pretty=True)


def cross_check(model, path, quantization):
    """None if ctranslate2 is absent, else whether its converter writes the same variables and loads ours."""
    try:
        import ctranslate2
        from ctranslate2.converters.transformers import WhisperLoader
    except ImportError:
        return None
    tmp = tempfile.mkdtemp()
    try:
        loader = WhisperLoader()
        # A copy: the converter quantizes the float32 weights in place, through shared memory.
        spec = loader.get_model_spec(copy.deepcopy(model))
        spec.register_vocabulary(VOCAB)
        for k, v in CT2_CONFIG.items():
            setattr(spec.config, k, v)
        spec.validate()
        spec.optimize(quantization=quantization)
        os.makedirs(os.path.join(tmp, "theirs"))
        spec.save(os.path.join(tmp, "theirs"))
        theirs = ct2_read.read_model([os.path.join(tmp, "theirs", "model.bin")], want_sha=True)
        ours = ct2_read.read_model([path], want_sha=True)
        same = theirs["variables"] == ours["variables"] and theirs["aliases"] == ours["aliases"]
        mine = os.path.join(tmp, "ours")
        os.makedirs(mine)
        shutil.copy(path, os.path.join(mine, "model.bin"))
        for name in ("config.json", "vocabulary.json"):
            shutil.copy(os.path.join(OUT, name), os.path.join(mine, name))
        ctranslate2.models.Whisper(mine, device="cpu")
        return {"ctranslate2": ctranslate2.__version__, "same_as_converter": same, "loads": True}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    model = tiny_model()
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items() if k != "proj_out.weight"}
    save_file(state, os.path.join(OUT, "reference.safetensors"))
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(CT2_CONFIG, f, indent=2)
    with open(os.path.join(OUT, "vocabulary.json"), "w") as f:
        json.dump(VOCAB, f, indent=2)
    with open(os.path.join(OUT, "tokenizer.json"), "w") as f:
        f.write(tokenizer_json())
    weights, settings = ct2_variables(model)
    manifest = {"seed": SEED, "torch": torch.__version__, "transformers": transformers.__version__,
                "hf_parameters": sum(p.numel() for p in model.parameters()), "files": {}}
    for q in QUANTIZATIONS:
        path = os.path.join(OUT, f"{q}.bin")
        write_model_bin(path, weights, settings, q)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        check = cross_check(model, path, q)
        manifest["files"][f"{q}.bin"] = {"bytes": os.path.getsize(path), "sha256": digest, "ctranslate2_check": check}
        print(f"{q}.bin {os.path.getsize(path)} bytes  ctranslate2 check: {check}")
        if check is not None and not check["same_as_converter"]:
            sys.exit(f"{q}: our writer differs from ctranslate2's converter")
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
