#!/usr/bin/env python3
"""ceilings.py - the GPU's own ceilings, measured with PyTorch in the same run as our kernels.

  device-to-device copy GB/s   (bytes read + bytes written, 1 GiB buffers, median of 20)
  bf16 GEMM TFLOP/s via cuBLAS (8192^3, and TRM's GEMM shapes at batch 768, next to our kernels)
  fp32 GEMM TFLOP/s via cuBLAS (TF32 off: what an fp32-exact kernel competes with)

usage: ceilings.py --json OUT [--dry-run]
Writes {"available": false, "reason": ...} when PyTorch or a CUDA device is missing (--dry-run
always runs tiny shapes on the CPU when PyTorch exists, to prove the script works).
"""
import argparse
import json
import statistics
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()
    out = {"available": False}
    try:
        import torch
    except ImportError as e:
        out["reason"] = "PyTorch not installed (%s)" % e
        return write(a.json, out)
    dev = "cuda" if torch.cuda.is_available() and not a.dry_run else "cpu"
    if dev == "cpu" and not a.dry_run:
        out["reason"] = "PyTorch sees no CUDA device"
        return write(a.json, out)
    out.update(available=True, device=dev, torch=torch.__version__)
    if dev == "cuda":
        out["gpu"] = torch.cuda.get_device_name(0)

    def timed(fn, iters):
        fn()
        if dev == "cuda":
            torch.cuda.synchronize()
            ts = []
            for _ in range(iters):
                s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                s.record()
                fn()
                e.record()
                e.synchronize()
                ts.append(s.elapsed_time(e) / 1e3)
            return statistics.median(ts)
        ts = []
        for _ in range(iters):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        return statistics.median(ts)

    n = (1 << 30) if dev == "cuda" else (1 << 20)
    src = torch.empty(n, dtype=torch.uint8, device=dev).fill_(1)
    dst = torch.empty_like(src)
    t = timed(lambda: dst.copy_(src), 20 if dev == "cuda" else 3)
    out["copy_gbs"] = 2 * n / t / 1e9
    del src, dst

    torch.backends.cuda.matmul.allow_tf32 = False
    gemms = []
    big = 8192 if dev == "cuda" else 64
    m_trm = 768 * 97 if dev == "cuda" else 2 * 97  # batch x (81 cells + 16 puzzle-embedding positions)
    shapes = [("square %d" % big, big, big, big),
              ("trm gate_up: M=%d K=512 N=3072" % m_trm, m_trm, 512, 3072),
              ("trm down: M=%d K=1536 N=512" % m_trm, m_trm, 1536, 512)]
    for name, m, k, nn in shapes:
        for dtype in (torch.bfloat16, torch.float32):
            x = torch.randn(m, k, device=dev, dtype=dtype)
            w = torch.randn(k, nn, device=dev, dtype=dtype)
            t = timed(lambda: torch.matmul(x, w), 20 if dev == "cuda" else 2)
            gemms.append({"name": name, "dtype": str(dtype).replace("torch.", ""), "m": m, "k": k, "n": nn,
                          "ms": t * 1e3, "tflops": 2.0 * m * k * nn / t / 1e12})
            del x, w
    out["gemms"] = gemms
    out["bf16_gemm_tflops"] = gemms[0]["tflops"]
    out["fp32_gemm_tflops"] = gemms[1]["tflops"]
    write(a.json, out)


def write(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
    print(json.dumps({k: v for k, v in obj.items() if k != "gemms"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
