#!/usr/bin/env python3
"""Independent safetensors writer for cross-checking @speechfold/safetensors.

Written from the format description only (numpy + json + struct, not the safetensors library):
  8-byte little-endian u64 header length N, N bytes of UTF-8 JSON
  {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
  padded with spaces so 8 + N is a multiple of 8, then the little-endian tensor bytes.

Tensors are laid out in insertion order (not the reference writer's dtype order), so the reader is
also checked on a layout it does not produce itself.

Writes fixtures/numpy-written.safetensors and fixtures/numpy-written.json (the expected names,
dtypes, shapes and values). Non-finite values are written to the JSON as the strings "NaN",
"Infinity" and "-Infinity"; I64 values as decimal strings (they may exceed 2^53).

Usage: python3 tools/reference/safetensors_numpy_writer.py
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "fixtures")


def f32_to_bf16_bits(values):
    """Rounds float32 values to bfloat16 bits, to nearest even, via uint32 bit manipulation."""
    bits = np.asarray(values, dtype="<f4").view("<u4").astype(np.uint64)
    rounding = np.uint64(0x7FFF) + ((bits >> np.uint64(16)) & np.uint64(1))
    out = ((bits + rounding) >> np.uint64(16)).astype("<u2")
    nan = np.isnan(np.asarray(values, dtype="<f4"))
    out[nan] = (bits[nan] >> np.uint64(16)).astype("<u2") | np.uint16(0x40)
    return out


def bf16_bits_to_f32(bits):
    """Widens bfloat16 bits to float32 values (exact)."""
    return (np.asarray(bits, dtype="<u2").astype("<u4") << np.uint32(16)).view("<f4")


def json_number(x):
    """A float as JSON: non-finite values become strings, -0.0 stays -0.0."""
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def main():
    tensors = []  # (name, dtype, shape, raw bytes, expected values for the JSON)

    f32 = np.array([[0.0, 1.0, -1.5], [3.25, 1e-3, -65504.0]], dtype="<f4")
    tensors.append(("encoder.weight", "F32", f32.shape, f32.tobytes(), [json_number(v) for v in f32.ravel()]))

    f16 = np.array([1.0, -2.0, 65504.0, 2.0**-24, -0.0, np.inf, np.nan, 2.0**-14], dtype="<f2")
    tensors.append(("encoder.bias", "F16", f16.shape, f16.tobytes(), [json_number(v) for v in f16.ravel()]))

    bf16_source = np.array([[1.0, -0.0], [3.140625, 1.00390625]], dtype="<f4")  # last one is a tie: rounds to 1.0
    bf16_bits = f32_to_bf16_bits(bf16_source)
    bf16_values = bf16_bits_to_f32(bf16_bits)
    tensors.append(
        ("proj.bf16", "BF16", bf16_source.shape, bf16_bits.tobytes(), [json_number(v) for v in bf16_values.ravel()])
    )

    i64 = np.array([-1, 2**40, 2**53 + 1], dtype="<i8")
    tensors.append(("positions", "I64", i64.shape, i64.tobytes(), [str(int(v)) for v in i64]))

    u8 = np.array([0, 1, 127, 128, 255], dtype="<u1")
    tensors.append(("mask.u8", "U8", u8.shape, u8.tobytes(), [int(v) for v in u8]))

    flags = np.array([[True, False], [False, True]], dtype=np.bool_)
    tensors.append(("flags", "BOOL", flags.shape, flags.astype("<u1").tobytes(), [int(v) for v in flags.ravel()]))

    scale = np.array(0.1, dtype="<f8")  # a scalar: shape []
    tensors.append(("scale", "F64", scale.shape, scale.tobytes(), [json_number(scale)]))

    empty = np.zeros((0, 3), dtype="<f4")
    tensors.append(("empty", "F32", empty.shape, empty.tobytes(), []))

    metadata = {"format": "np", "writer": "speechfold numpy reference"}

    header = {"__metadata__": metadata}
    offset = 0
    for name, dtype, shape, raw, _ in tensors:
        header[name] = {"dtype": dtype, "shape": [int(d) for d in shape], "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * ((8 - (8 + len(header_bytes)) % 8) % 8)

    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "numpy-written.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for _, _, _, raw, _ in tensors:
            f.write(raw)

    expected = {
        "metadata": metadata,
        "tensors": [
            {"name": name, "dtype": dtype, "shape": [int(d) for d in shape], "values": values}
            for name, dtype, shape, _, values in tensors
        ],
    }
    with open(os.path.join(OUT_DIR, "numpy-written.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
