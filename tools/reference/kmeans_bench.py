#!/usr/bin/env python3
"""The reference side of tools/bench/kmeans.mjs: times scikit-learn or FAISS k-means on a matrix.

Usage: kmeans_bench.py (sklearn|faiss) DATA.bin ROWS COLS K
DATA.bin holds ROWS x COLS float32 little-endian values (written by the Node benchmark, so both
sides cluster the very same data). Prints one JSON line: seconds, inertia (recomputed in float64
from the returned labels and centers), iterations and the library version.
"""
import json
import os
import sys
import time

import numpy as np


def exact_inertia(x, labels, centers):
    """Sum of squared distances in float64 (libraries accumulate float32 data in float32)."""
    total = 0.0
    for start in range(0, x.shape[0], 512):
        block = x[start:start + 512].astype(np.float64) - centers.astype(np.float64)[labels[start:start + 512]]
        total += float(np.sum(block * block))
    return total


def run_sklearn(x, k):
    import sklearn
    from sklearn.cluster import KMeans

    start = time.perf_counter()
    km = KMeans(n_clusters=k, n_init=1, init="k-means++", random_state=0, algorithm="lloyd").fit(x)
    seconds = time.perf_counter() - start
    return {
        "library": f"scikit-learn {sklearn.__version__}",
        "seconds": seconds,
        "inertia": exact_inertia(x, km.labels_, km.cluster_centers_),
        "iterations": int(km.n_iter_),
    }


def run_faiss(x, k):
    import faiss

    start = time.perf_counter()
    # FAISS's own k-means: random init, 10 iterations; no subsampling at these sizes.
    km = faiss.Kmeans(x.shape[1], k, niter=10, seed=1234, verbose=False, max_points_per_centroid=1 << 20)
    km.train(x)
    seconds = time.perf_counter() - start
    # Labels of the final centroids, outside the timing (train's 10 iterations are what is timed).
    _, labels = km.index.search(x, 1)
    return {
        "library": f"faiss {faiss.__version__}",
        "seconds": seconds,
        "inertia": exact_inertia(x, labels[:, 0], km.centroids),
        "iterations": 10,
    }


def main():
    which, path, rows, cols, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    x = np.fromfile(path, dtype="<f4").reshape(rows, cols)
    result = run_sklearn(x, k) if which == "sklearn" else run_faiss(x, k)
    result["threads"] = os.cpu_count()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
