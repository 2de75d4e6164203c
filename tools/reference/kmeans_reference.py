#!/usr/bin/env python3
"""Writes the k-means reference fixtures that packages/kmeans tests compare against.

Each fixture is a seeded float32 feature matrix plus scikit-learn's KMeans result on it
(init='k-means++', greedy local trials, random_state=0) for n_init 1 and 4, and the n_init=1
inertia for random_state 0..9. The tests require speechfold's inertia to be <= 1.01 x
scikit-learn's with the same n_init, and its mean over seeds 0..9 <= 1.01 x scikit-learn's mean.

Features are stored as base64 of float32 little-endian so the TypeScript side reads the exact
values scikit-learn saw. Run from the repo root:  python3 tools/reference/kmeans_reference.py
Needs numpy and scikit-learn (pip install numpy scikit-learn).
"""
import base64
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
N_INITS = (1, 4)
# Restarts are random: one n_init=1 run can land anywhere in a spread of several percent. These
# random_states give the distribution that the tests compare means against.
SPREAD_STATES = range(10)


def normal(seed, n, d, std=1.0):
    """Standard normal rows (the default shape of unstructured features)."""
    return np.random.default_rng(seed).normal(0.0, std, size=(n, d)).astype(np.float32)


def blobs(seed, n, d, k):
    """Gaussian blobs: clustered data where k-means has a clear structure to find."""
    x, _ = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=1.0, random_state=seed)
    return x.astype(np.float32)


def ffn_like(seed, n, d):
    """Shaped like real FFN features: [fc1 row | fc1 bias | fc2 column], weight-sized values."""
    rng = np.random.default_rng(seed)
    half = (d - 1) // 2
    producer = rng.normal(0.0, 0.02, size=(n, half))
    bias = rng.normal(0.0, 0.05, size=(n, 1))
    consumer = rng.normal(0.0, 0.02, size=(n, d - 1 - half))
    return np.concatenate([producer, bias, consumer], axis=1).astype(np.float32)


FIXTURES = [
    ("normal-200x16-k50", "standard normal, seed 1", lambda: normal(1, 200, 16), 50),
    ("normal-512x64-k256", "standard normal, seed 2", lambda: normal(2, 512, 64), 256),
    ("blobs-300x33-k30", "make_blobs(centers=30, cluster_std=1, random_state=3)", lambda: blobs(3, 300, 33, 30), 30),
    ("whisper-like-256x128-k230", "standard normal, seed 4, K near N", lambda: normal(4, 256, 128), 230),
    ("ffn-384x129-k192", "FFN-like [fc1 row | bias | fc2 column], seed 5", lambda: ffn_like(5, 384, 129), 192),
]


def exact_inertia(x, labels, centers):
    """Sum of squared distances in float64 (sklearn accumulates float32 data in float32)."""
    diff = x.astype(np.float64) - centers.astype(np.float64)[labels]
    return float(np.sum(diff * diff))


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, description, make, k in FIXTURES:
        x = make()
        n, d = x.shape
        results = []
        for n_init in N_INITS:
            km = KMeans(n_clusters=k, n_init=n_init, init="k-means++", random_state=0, algorithm="lloyd").fit(x)
            results.append({
                "nInit": n_init,
                "inertia": float(km.inertia_),
                "inertia64": exact_inertia(x, km.labels_, km.cluster_centers_),
                "iterations": int(km.n_iter_),
            })
        spread = [
            exact_inertia(x, km.labels_, km.cluster_centers_)
            for km in (
                KMeans(n_clusters=k, n_init=1, init="k-means++", random_state=state, algorithm="lloyd").fit(x)
                for state in SPREAD_STATES
            )
        ]
        fixture = {
            "name": name,
            "description": description,
            "rows": n,
            "cols": d,
            "k": k,
            "featuresFloat32Base64": base64.b64encode(x.astype("<f4").tobytes()).decode("ascii"),
            "sklearn": {
                "version": sklearn.__version__,
                "numpy": np.__version__,
                "randomState": 0,
                "results": results,
                "nInit1Inertia64ByRandomState": spread,
            },
        }
        path = os.path.join(OUT_DIR, f"kmeans-{name}.json")
        with open(path, "w") as f:
            json.dump(fixture, f, indent=1)
            f.write("\n")
        summary = ", ".join(f"n_init={r['nInit']}: {r['inertia64']:.6g} ({r['iterations']} it)" for r in results)
        print(f"{path}: {n}x{d} k={k}: {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
