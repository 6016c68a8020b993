#!/usr/bin/env python3
"""torch_ref.py - times the public PyTorch reference (SamsungSAILMontreal/TinyRecursiveModels) on
the shapes check.sh times ours on: sudoku-mlp (hidden 512, 2 layers, T=3, n=6, mlp_t, 16-position
puzzle embedding, bf16 forward as the reference runs it).

  train: one supervision step (ACTLossHead forward + backward + optimizer step) at batch B
  infer: 16 supervision steps at batch 1 (latency) and at batch B (throughput), eval mode

usage: torch_ref.py --ref DIR --json OUT [--batch 768] [--steps 20] [--dry-run]
DIR is a checkout of the reference code (brought at run time, never committed: see
bench/gpu/README.md). Differences from the reference's own run, kept for lack of its extra
packages on a bare GPU host: torch.optim.AdamW stands in for adam-atan2 (same memory traffic,
one fused kernel less); the puzzle-embedding SignSGD step is left out; pydantic/einops get tiny
stand-ins when not installed. Writes {"available": false, "reason": ...} when PyTorch, CUDA or
the reference code is missing.
"""
import argparse
import json
import os
import statistics
import sys
import time
import types


def shims():
    """Minimal stand-ins for pydantic.BaseModel and einops.rearrange (the only uses in the model code)."""
    try:
        import pydantic  # noqa: F401
    except ImportError:
        m = types.ModuleType("pydantic")

        class BaseModel:
            def __init__(self, **kw):
                for k, v in type(self).__dict__.items():
                    if not k.startswith("_") and not callable(v):
                        setattr(self, k, v)
                for k, v in kw.items():
                    setattr(self, k, v)

            def model_copy(self, update=None):
                c = type(self).__new__(type(self))
                c.__dict__.update(self.__dict__)
                c.__dict__.update(update or {})
                return c
        m.BaseModel = BaseModel
        sys.modules["pydantic"] = m
    try:
        import einops  # noqa: F401
    except ImportError:
        m = types.ModuleType("einops")

        def rearrange(t, pattern):
            if pattern.replace(" ", "") in ("BSHD->BHSD", "BHSD->BSHD"):
                return t.transpose(1, 2)
            raise NotImplementedError("einops stand-in: " + pattern)
        m.rearrange = rearrange
        sys.modules["einops"] = m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--batch", type=int, default=768)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()
    out = {"available": False}
    try:
        import torch
    except ImportError as e:
        out["reason"] = "PyTorch not installed (%s)" % e
        return write(a.json, out)
    if not os.path.isfile(os.path.join(a.ref, "models", "recursive_reasoning", "trm.py")):
        out["reason"] = "no reference checkout at %s (see bench/gpu/README.md)" % a.ref
        return write(a.json, out)
    dev = "cuda" if torch.cuda.is_available() and not a.dry_run else "cpu"
    if dev == "cpu" and not a.dry_run:
        out["reason"] = "PyTorch sees no CUDA device"
        return write(a.json, out)
    shims()
    sys.path.insert(0, os.path.abspath(a.ref))
    from models.recursive_reasoning.trm import TinyRecursiveReasoningModel_ACTV1
    from models.losses import ACTLossHead

    B = a.batch
    hidden = 512 if not a.dry_run else 64
    cfg = dict(batch_size=B, seq_len=81, puzzle_emb_ndim=hidden, num_puzzle_identifiers=1, vocab_size=11,
               H_cycles=3, L_cycles=6, H_layers=0, L_layers=2, hidden_size=hidden, expansion=4, num_heads=8,
               pos_encodings="none", halt_max_steps=16, halt_exploration_prob=0.1, forward_dtype="bfloat16",
               mlp_t=True, puzzle_emb_len=16, no_ACT_continue=True)
    torch.manual_seed(0)
    with torch.device(dev):
        model = ACTLossHead(TinyRecursiveReasoningModel_ACTV1(cfg), loss_type="stablemax_cross_entropy")
    params = [p for n, p in model.named_parameters() if "puzzle_emb" not in n]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=1.0, betas=(0.9, 0.95))

    def batch_of(n):
        g = torch.Generator().manual_seed(n)
        inputs = torch.randint(1, 11, (n, 81), generator=g)
        return {"inputs": inputs.to(dev), "labels": torch.randint(2, 11, (n, 81), generator=g).to(dev),
                "puzzle_identifiers": torch.zeros(n, dtype=torch.int32, device=dev)}

    def sync():
        if dev == "cuda":
            torch.cuda.synchronize()

    batch = batch_of(B)
    model.train()
    carry = model.initial_carry(batch)
    times, losses = [], []
    for i in range(a.steps + 3):
        sync()
        t0 = time.perf_counter()
        carry, loss, metrics, _, _ = model(carry=carry, batch=batch, return_keys=[])
        ((1 / B) * loss).backward()
        opt.step()
        opt.zero_grad()
        sync()
        if i >= 3:  # warm-up: allocator, cuBLAS heuristics
            times.append(time.perf_counter() - t0)
            losses.append(float(metrics["lm_loss"]) / B)
    out.update(available=True, device=dev, torch=torch.__version__, batch=B, hidden=hidden,
               train_step_ms=statistics.median(times) * 1e3, train_samples_per_s=B / statistics.median(times),
               train_lm_loss_first=losses[0], train_lm_loss_last=losses[-1],
               optimizer="torch.optim.AdamW (stand-in for adam-atan2), puzzle embedding not stepped")

    model.eval()
    for n, key in ((1, "infer_b1_16steps_ms"), (B, "infer_b%d_16steps_ms" % B)):
        bt = batch_of(n)
        reps = []
        with torch.inference_mode():
            for r in range(4):
                c = model.initial_carry(bt)
                sync()
                t0 = time.perf_counter()
                for _ in range(16):
                    c, _, _, _, _ = model(carry=c, batch=bt, return_keys=[])
                sync()
                if r > 0:
                    reps.append(time.perf_counter() - t0)
        out[key] = statistics.median(reps) * 1e3
    out["infer_b%d_puzzles_per_s" % B] = B / (out["infer_b%d_16steps_ms" % B] / 1e3)
    write(a.json, out)


def write(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
    print(json.dumps(obj))
    return 0


if __name__ == "__main__":
    sys.exit(main())
