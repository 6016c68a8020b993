#!/usr/bin/env python3
"""report.py - turns a check.sh results folder into results.md (tables) and results.json.

usage: report.py OUT --dry-run 0|1 --batch B
Reads OUT/steps.jsonl (one record per step), machine.txt, parity.json, ceilings.json,
kernels.json (trm.bench.KernelBench), train/metrics.jsonl + flops.json, the inference logs and
torch_ref.json. Exit status 1 when a step failed or timed out.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import sys

# Dense bf16 tensor-core peaks from the vendors' data sheets (TFLOP/s), for MFU beside the measured ceiling.
SPEC_BF16 = {"H200": 989.4, "H100": 989.4, "A100": 312.0, "L40S": 362.1, "L4": 121.0}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def parse_iso(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def train_figures(out, batch, flops, peak_measured, peak_spec):
    path = os.path.join(out, "train", "metrics.jsonl")
    if not os.path.exists(path):
        return None
    rows = [json.loads(l) for l in open(path) if l.strip()]
    tr = [r for r in rows if r.get("kind") == "train"]
    if len(tr) < 3:
        return {"note": "fewer than 3 logged training steps"}
    # the first logged step carries the warm-up (allocation, JIT, module load): time from the second on
    a, b = tr[1], tr[-1]
    secs = (parse_iso(b["time"]) - parse_iso(a["time"])).total_seconds()
    step_s = secs / max(1, b["step"] - a["step"])
    f = {"steps": tr[-1]["step"], "step_ms": step_s * 1e3, "samples_per_s": batch / step_s if step_s > 0 else None,
         "lm_loss_first": tr[0].get("lm_loss"), "lm_loss_last": tr[-1].get("lm_loss")}
    k = max(1, len(tr) // 4)
    first = statistics.mean(r["lm_loss"] for r in tr[:k])
    last = statistics.mean(r["lm_loss"] for r in tr[-k:])
    f["loss_falling"] = last < first
    f["lm_loss_mean_first_quarter"], f["lm_loss_mean_last_quarter"] = first, last
    if flops and step_s > 0:
        achieved = flops["train_step_flops"] / step_s / 1e12
        f["model_tflops"] = achieved
        if peak_measured:
            f["mfu_vs_measured_cublas_bf16"] = achieved / peak_measured
        if peak_spec:
            f["mfu_vs_spec_bf16"] = achieved / peak_spec
    return f


SOLVE = re.compile(r"\| (\d+) supervision steps? \| halting confidence [-\d.]+ \| ([\d.]+) ms on")
EVAL = re.compile(r"\((\d+) puzzles in ([\d.]+) s, ([\d.]+) puzzles/s")


def solve_figures(log):
    if not os.path.exists(log):
        return None
    hits = [(int(m.group(1)), float(m.group(2))) for m in SOLVE.finditer(open(log).read())]
    if not hits:
        return None
    timed = hits[1:] or hits  # the first puzzle pays the warm-up
    return {"puzzles": len(hits), "median_ms": statistics.median(t for _, t in timed),
            "first_ms": hits[0][1], "mean_steps": statistics.mean(s for s, _ in hits)}


def eval_figures(log):
    if not os.path.exists(log):
        return None
    m = EVAL.search(open(log).read())
    return {"puzzles": int(m.group(1)), "seconds": float(m.group(2)), "puzzles_per_s": float(m.group(3))} if m else None


def fmt(x, spec="%.3g"):
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "NO"
    if isinstance(x, float):
        return spec % x
    return str(x)


def table(rows, keys):
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        lines.append("| " + " | ".join(fmt(r.get(k)) for k in keys) + " |")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--dry-run", default="0")
    ap.add_argument("--batch", type=int, default=768)
    a = ap.parse_args()
    out = a.out
    steps = [json.loads(l) for l in open(os.path.join(out, "steps.jsonl")) if l.strip()]
    machine = {}
    if os.path.exists(os.path.join(out, "machine.txt")):
        for line in open(os.path.join(out, "machine.txt")):
            k, _, v = line.partition(": ")
            machine[k.strip()] = v.strip()
    ceilings = load(os.path.join(out, "ceilings.json")) or {}
    measured = ceilings.get("bf16_gemm_tflops") if ceilings.get("device") == "cuda" else None
    spec = next((v for k, v in SPEC_BF16.items() if k in machine.get("gpu", "")), None)
    flops = load(os.path.join(out, "flops.json"))
    res = {
        "machine": machine, "dry_run": a.dry_run == "1", "steps": steps,
        "parity": load(os.path.join(out, "parity.json")),
        "ceilings": ceilings,
        "kernels": load(os.path.join(out, "kernels.json")),
        "flops": flops,
        "train": train_figures(out, a.batch, flops, measured, spec),
        "infer_b1_16steps": solve_figures(os.path.join(out, "infer-b1-16steps.log")),
        "infer_b1_halting": solve_figures(os.path.join(out, "infer-b1-halting.log")),
        "infer_batch": eval_figures(os.path.join(out, "infer-batch.log")),
        "torch_ref": load(os.path.join(out, "torch_ref.json")),
    }
    tr, ref = res["torch_ref"] or {}, res["train"] or {}
    ratios = {}
    if tr.get("available"):
        if ref.get("step_ms") and tr.get("train_step_ms"):
            ratios["train_step_time_ours_over_torch"] = ref["step_ms"] / tr["train_step_ms"]
        b1 = res["infer_b1_16steps"]
        if b1 and tr.get("infer_b1_16steps_ms"):
            ratios["b1_16step_latency_ours_over_torch"] = b1["median_ms"] / tr["infer_b1_16steps_ms"]
        ib = res["infer_batch"]
        key = "infer_b%d_puzzles_per_s" % a.batch
        if ib and tr.get(key):
            ratios["batch_throughput_ours_over_torch"] = ib["puzzles_per_s"] / tr[key]
    res["ratios_to_torch"] = ratios
    bad = [s for s in steps if s["status"] in ("failed", "timeout")]
    res["ok"] = not bad
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)

    md = ["# trm-java GPU check" + (" (dry run: simulator, tiny shapes)" if a.dry_run == "1" else ""), ""]
    for k in ("date", "gpu", "nvcc", "java", "python", "bundle", "mode"):
        if k in machine:
            md.append("- %s: %s" % (k, machine[k]))
    md += ["", "## Steps", ""]
    # the log tail only where it explains something: a skip, a failure (results.json keeps all)
    md += table([dict(s, note="" if s["status"] == "ok" else s["note"][-160:].replace("|", "/")) for s in steps],
                ["step", "status", "seconds", "note"])
    p = res["parity"]
    if p:
        md += ["", "Parity (%s): %d tests, %d passed, %d failed, %d skipped." % (p["device"], p["tests"], p["passed"], p["failed"], p["skipped"])]
    if ceilings.get("available"):
        md += ["", "## Ceilings (%s)" % ceilings.get("device"), "", "- device-to-device copy: %s GB/s" % fmt(ceilings.get("copy_gbs"), "%.0f"), ""]
        md += table(ceilings.get("gemms", []), ["name", "dtype", "ms", "tflops"])
    elif ceilings:
        md += ["", "Ceilings: not measured (%s)." % ceilings.get("reason")]
    k = res["kernels"]
    if isinstance(k, dict):
        k = k.get("kernels") or k.get("rows") or k.get("results")
    if isinstance(k, list) and k and isinstance(k[0], dict):
        md += ["", "## Kernels", ""] + table(k, list(k[0].keys())[:9])
    if res["train"]:
        md += ["", "## Training (sudoku-mlp, batch %d)" % a.batch, ""] + table([res["train"]], [
            "steps", "step_ms", "samples_per_s", "model_tflops", "mfu_vs_measured_cublas_bf16", "mfu_vs_spec_bf16",
            "lm_loss_first", "lm_loss_last", "loss_falling"])
    rows = []
    for name in ("infer_b1_16steps", "infer_b1_halting"):
        if res[name]:
            rows.append(dict(res[name], case=name))
    if rows:
        md += ["", "## Inference", ""] + table(rows, ["case", "puzzles", "median_ms", "first_ms", "mean_steps"])
    if res["infer_batch"]:
        ib = res["infer_batch"]
        md += ["", "Batch %d, every supervision step (`trm eval`): %s puzzles/s (%d puzzles in %s s)." % (a.batch, fmt(ib["puzzles_per_s"], "%.1f"), ib["puzzles"], fmt(ib["seconds"]))]
    if tr:
        md += ["", "## PyTorch reference"]
        if tr.get("available"):
            md += ["", "- train step %s ms (%s samples/s), b1 16 steps %s ms, batch %d %s puzzles/s; %s" % (
                fmt(tr.get("train_step_ms")), fmt(tr.get("train_samples_per_s")), fmt(tr.get("infer_b1_16steps_ms")), a.batch,
                fmt(tr.get("infer_b%d_puzzles_per_s" % a.batch)), tr.get("optimizer"))]
            for kk, v in ratios.items():
                md.append("- %s: %s" % (kk, fmt(v)))
        else:
            md += ["", "not timed: %s" % tr.get("reason")]
    md += ["", "## Commands", ""] + ["- `%s`: `%s`" % (s["step"], s["command"]) for s in steps if s["command"]]
    md += ["", "Result: " + ("all steps that ran passed" if not bad else "FAILED: " + ", ".join(s["step"] for s in bad))]
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
