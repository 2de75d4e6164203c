#!/usr/bin/env python3
"""Writes the fixture that packages/audio's feature tests compare against.

One real LibriSpeech utterance from the shared data, decoded with soundfile (libsndfile/libFLAC),
goes through Hugging Face's WhisperFeatureExtractor with 80 and 128 mel bins and through
Wav2Vec2FeatureExtractor (do_normalize=True). The fixture keeps:

- the decoded waveform's sample count and checksums, so the test first proves that our FLAC decoder
  produced the same waveform (a feature mismatch could otherwise be a decoding mismatch);
- the first 200 frames of every mel bin, float32 little-endian, base64 (mel-major, [n_mels][200]);
- the mean of every one of the 3000 frames (base64 float32) and whole-matrix statistics, which
  cover the frames not stored;
- the first HuBERT input values and their statistics;
- for a synthetic 31 s signal that is loud from its first to its last sample (int16 grid, formula in
  `synthetic_signal`), the first and last 8 frames: they check the reflect padding at both edges and
  the truncation to 30 s, which the quiet edges of a real utterance cannot.

The utterance is 121-121726-0010, one of the files whose last FLAC frame the wasm decoder drops, so
the test also covers the repaired decode. Run from the repo root:
    python3 tools/reference/whisper_features_reference.py [--data PATH/TO/shared/data]
Needs transformers, torch, numpy and soundfile.
"""
import argparse
import base64
import json
import os

import numpy as np
import soundfile
import torch
import transformers
from transformers import Wav2Vec2FeatureExtractor, WhisperFeatureExtractor

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "whisper-features.json")
# The repo sits beside shared/ (locally and in CI).
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data"))
UTTERANCE = "test-clean/121/121726/121-121726-0010.flac"
STORED_FRAMES = 200
FIRST_SAMPLES = 32
CHECKSUM_MODULUS = 1000003


SYNTHETIC_SAMPLES = 31 * 16000
EDGE_FRAMES = 8


def synthetic_signal():
    """0.5 sin(2 pi 440 t) + 0.25 sin(2 pi 3000 t + 1), rounded to int16 / 32768 (the TS test rebuilds it)."""
    t = np.arange(SYNTHETIC_SAMPLES, dtype=np.float64) / 16000.0
    x = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.25 * np.sin(2 * np.pi * 3000 * t + 1.0)
    return (np.round(x * 32767) / 32768).astype(np.float32)


def b64_float32(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def stats(array):
    a = array.astype(np.float64)
    return {"min": float(a.min()), "max": float(a.max()), "mean": float(a.mean()), "std": float(a.std()), "sum": float(a.sum())}


def waveform_summary(ints):
    """Exact integer checksums of the int16 waveform (the TS test recomputes them)."""
    i64 = ints.astype(np.int64)
    index = np.arange(len(i64), dtype=np.int64)
    return {
        "sampleCount": int(len(i64)),
        "firstSamplesInt16": [int(v) for v in i64[:FIRST_SAMPLES]],
        "sumInt16": int(i64.sum()),
        "sumAbsInt16": int(np.abs(i64).sum()),
        # sum over i of ((x_i * i) mod p): sensitive to order and to every sample
        "weightedChecksum": int(((i64 * index) % CHECKSUM_MODULUS).sum()),
        "checksumModulus": CHECKSUM_MODULUS,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (holds LibriSpeech/)")
    args = parser.parse_args()
    path = os.path.join(args.data, "LibriSpeech", UTTERANCE)

    ints, rate = soundfile.read(path, dtype="int16")
    audio, _ = soundfile.read(path, dtype="float32")  # int16 / 32768, as HF pipelines load audio
    assert rate == 16000, rate

    fixture = {
        "utterance": UTTERANCE,
        "id": os.path.basename(UTTERANCE)[: -len(".flac")],
        "sampleRate": rate,
        "waveform": waveform_summary(ints),
        "storedFrames": STORED_FRAMES,
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__, "numpy": np.__version__, "soundfile": soundfile.__version__},
        "whisper": {},
    }
    for n_mels in (80, 128):
        extractor = WhisperFeatureExtractor(feature_size=n_mels)
        features = extractor(audio, sampling_rate=16000, return_tensors="np").input_features[0]
        assert features.shape == (n_mels, 3000), features.shape
        fixture["whisper"][str(n_mels)] = {
            "shape": list(features.shape),
            "firstFrames": b64_float32(features[:, :STORED_FRAMES]),
            "frameMeans": b64_float32(features.astype(np.float64).mean(axis=0)),
            "stats": stats(features),
        }

    synthetic = synthetic_signal()
    edges = list(range(EDGE_FRAMES)) + list(range(3000 - EDGE_FRAMES, 3000))
    features = WhisperFeatureExtractor(feature_size=80)(synthetic, sampling_rate=16000, return_tensors="np").input_features[0]
    fixture["synthetic"] = {
        "formula": "round(32767 * (0.5 sin(2 pi 440 n / 16000) + 0.25 sin(2 pi 3000 n / 16000 + 1))) / 32768",
        "sampleCount": SYNTHETIC_SAMPLES,
        "nMels": 80,
        "frames": edges,
        "features": b64_float32(features[:, edges]),  # [80][len(frames)]
    }

    hubert = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True, return_attention_mask=False)
    values = hubert(audio, sampling_rate=16000, return_tensors="np").input_values[0]
    fixture["hubert"] = {"doNormalize": True, "first": [float(v) for v in values[:FIRST_SAMPLES]], "stats": stats(values)}

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
