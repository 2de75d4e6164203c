#!/usr/bin/env python3
"""Reference reader of CTranslate2's model.bin, to list and check what a file holds.

Layout (binary version 6, little-endian; strings are a u16 length counting a trailing NUL, then
the UTF-8 bytes and the NUL):
    u32 binary version
    string spec name            (version >= 2)
    u32 spec revision           (version >= 2)
    u32 variable count
    per variable: string name, u8 rank, u32 dims[rank], u8 dtype id, u32 byte count, raw bytes
    u32 alias count             (version >= 3)
    per alias: string alias, string variable name
dtype ids: 0 float32, 1 int8, 2 int16, 3 int32, 4 float16, 5 bfloat16. A quantised weight W
(int8/int16) has a float32 sibling W_scale, and the float value is W / W_scale (int8: one scale per
output row; int16: one scale for the whole matrix).

Usage: python3 tools/reference/ct2_read.py FILE [FILE ...]   (several files = parts, read in order)
       --sha       also print a sha256 of each variable's bytes (to compare two conversions)
       --json OUT  write the variable table to OUT
Nothing here imports ctranslate2: it reads the bytes only.
"""
import hashlib
import io
import json
import struct
import sys

DTYPES = {0: ("float32", 4), 1: ("int8", 1), 2: ("int16", 2), 3: ("int32", 4), 4: ("float16", 2), 5: ("bfloat16", 2)}


class Parts(io.RawIOBase):
    """Reads several files as one stream (a model.bin split into parts)."""

    def __init__(self, paths):
        self.files = [open(p, "rb") for p in paths]
        self.i = 0

    def readable(self):
        return True

    def readinto(self, b):
        while self.i < len(self.files):
            n = self.files[self.i].readinto(b)
            if n:
                return n
            self.i += 1
        return 0


def read_exact(f, n, what):
    data = f.read(n)
    if len(data) != n:
        raise ValueError(f"truncated while reading {what}: wanted {n} bytes, got {len(data)}")
    return data


def read_string(f, what):
    (n,) = struct.unpack("<H", read_exact(f, 2, what))
    raw = read_exact(f, n, what)
    if n == 0 or raw[-1] != 0:
        raise ValueError(f"{what}: string not NUL-terminated")
    return raw[:-1].decode("utf-8")


def read_model(paths, want_sha=False):
    """Parses every variable (data hashed, never kept) and the aliases; returns a dict."""
    f = io.BufferedReader(Parts(paths), 1 << 20)
    (version,) = struct.unpack("<I", read_exact(f, 4, "version"))
    spec, revision = None, None
    if version >= 2:
        spec = read_string(f, "spec name")
        (revision,) = struct.unpack("<I", read_exact(f, 4, "revision"))
    (count,) = struct.unpack("<I", read_exact(f, 4, "variable count"))
    variables = []
    offset_base = 0
    for _ in range(count):
        name = read_string(f, "variable name")
        (rank,) = struct.unpack("<B", read_exact(f, 1, name))
        shape = list(struct.unpack(f"<{rank}I", read_exact(f, 4 * rank, name)))
        (dtype_id,) = struct.unpack("<B", read_exact(f, 1, name))
        (nbytes,) = struct.unpack("<I", read_exact(f, 4, name))
        if dtype_id not in DTYPES:
            raise ValueError(f"{name}: unknown dtype id {dtype_id}")
        dtype, size = DTYPES[dtype_id]
        numel = 1
        for d in shape:
            numel *= d
        if numel * size != nbytes:
            raise ValueError(f"{name}: shape {shape} of {dtype} needs {numel * size} bytes, header says {nbytes}")
        h = hashlib.sha256()
        left = nbytes
        while left:
            chunk = read_exact(f, min(left, 1 << 20), name)
            h.update(chunk)
            left -= len(chunk)
        entry = {"name": name, "shape": shape, "dtype": dtype, "bytes": nbytes}
        if want_sha:
            entry["sha256"] = h.hexdigest()
        variables.append(entry)
    aliases = []
    if version >= 3:
        (n_alias,) = struct.unpack("<I", read_exact(f, 4, "alias count"))
        for _ in range(n_alias):
            aliases.append([read_string(f, "alias"), read_string(f, "alias target")])
    trailing = len(f.read())
    return {"version": version, "spec": spec, "revision": revision, "variables": variables,
            "aliases": aliases, "trailing_bytes": trailing}


def read_scalar_values(paths):
    """The values of every rank-0 / tiny integer variable (the spec's settings), by name."""
    f = io.BufferedReader(Parts(paths), 1 << 20)
    (version,) = struct.unpack("<I", read_exact(f, 4, "version"))
    read_string(f, "spec")
    read_exact(f, 4, "revision")
    (count,) = struct.unpack("<I", read_exact(f, 4, "count"))
    out = {}
    fmt = {"float32": "f", "int8": "b", "int16": "h", "int32": "i"}
    for _ in range(count):
        name = read_string(f, "name")
        (rank,) = struct.unpack("<B", read_exact(f, 1, name))
        shape = list(struct.unpack(f"<{rank}I", read_exact(f, 4 * rank, name)))
        (dtype_id,) = struct.unpack("<B", read_exact(f, 1, name))
        (nbytes,) = struct.unpack("<I", read_exact(f, 4, name))
        data = read_exact(f, nbytes, name)
        dtype = DTYPES[dtype_id][0]
        if dtype in fmt and nbytes <= 64 and "weight" not in name and "bias" not in name:
            out[name] = list(struct.unpack(f"<{nbytes // DTYPES[dtype_id][1]}{fmt[dtype]}", data))
    return out


def main(argv):
    want_sha = "--sha" in argv
    json_out = None
    if "--json" in argv:
        json_out = argv[argv.index("--json") + 1]
        argv = [a for i, a in enumerate(argv) if a != "--json" and (i == 0 or argv[i - 1] != "--json")]
    paths = [a for a in argv if not a.startswith("--")]
    m = read_model(paths, want_sha)
    print(f"version {m['version']} spec {m['spec']} revision {m['revision']} variables {len(m['variables'])} "
          f"aliases {len(m['aliases'])} trailing {m['trailing_bytes']}")
    for v in m["variables"]:
        extra = f" {v['sha256'][:16]}" if want_sha else ""
        print(f"  {v['name']} {v['dtype']} {v['shape']}{extra}")
    for a, t in m["aliases"]:
        print(f"  alias {a} -> {t}")
    for name, value in read_scalar_values(paths).items():
        print(f"  value {name} = {value}")
    if json_out:
        with open(json_out, "w") as fh:
            json.dump(m, fh, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
