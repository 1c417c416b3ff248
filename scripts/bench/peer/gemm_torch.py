#!/usr/bin/python3
"""GEMM probe for `npm run bench`: C = A·B with A M×K, B K×N in PyTorch on CPU, float32.

The maxout network's first layer forward is M=128 (a batch), K=784, N=1200; its time bounds how
fast any implementation of an epoch or of FGSM can be. Prints one JSON line: median seconds per
product over ROUNDS calls (after a warm-up) and GFLOP/s (2·M·K·N flops).
Usage: gemm_torch.py M K N THREADS ROUNDS
"""
import json, sys, time
import torch

m, k, n, threads, rounds = (int(a) for a in sys.argv[1:6])
torch.set_num_threads(threads)
g = torch.Generator().manual_seed(0)
a, b = torch.rand(m, k, generator=g), torch.rand(k, n, generator=g) - 0.5
for _ in range(5): torch.mm(a, b)
times = []
for _ in range(rounds):
    t = time.perf_counter(); torch.mm(a, b); times.append(time.perf_counter() - t)
s = sorted(times)[len(times) // 2]
print(json.dumps({"m": m, "k": k, "n": n, "threads": threads, "seconds": s, "gflops": 2 * m * k * n / s / 1e9}))
