"""
The trial of bench/python-sdk-overhead.ts, as a user writes one with the
Python SDK: calibrates one "batch" of pure-Python work (products of two 12×12
matrices, repeated) to about WORK_MS of CPU, then alternates rounds of batches
that report nothing with rounds that report training metrics after every
batch (and progress every 100), and writes what it measured as JSON to
SDK_OVERHEAD_RESULT (the shape of `TrialResult` in sdk-overhead-run.ts).

CPU is the whole process's (time.process_time), so the SDK's sending thread
counts; wall time inside the work itself is measured apart, to tell a slower
machine (the GIL handed to that thread, the master busy on the other core)
from time spent in the report calls.
"""

from __future__ import annotations

import json
import os
import time

import pushtune

N = 12
ROUNDS = int(os.environ["ROUNDS"])
WARMUP_ROUNDS = int(os.environ["WARMUP_ROUNDS"])
PER_ROUND = int(os.environ["PER_ROUND"])
WORK_MS = float(os.environ["WORK_MS"])


def work(a: list[float], b: list[float], reps: int) -> float:
    for _ in range(reps):
        c = [0.0] * (N * N)
        for i in range(N):
            row = a[i * N : (i + 1) * N]
            for j in range(N):
                c[i * N + j] = sum(x * y for x, y in zip(row, b[j::N])) * 1e-1
        a = c
    return a[0] + 1


def calibrate(a: list[float], b: list[float]) -> int:
    reps = 1
    while True:
        started = time.process_time()
        for _ in range(50):
            work(a, b, reps)
        per_batch_ms = (time.process_time() - started) * 1000 / 50
        if per_batch_ms >= WORK_MS:
            return reps
        reps = max(reps + 1, int(reps * min(4.0, WORK_MS * 1.1 / max(per_batch_ms, 0.01))))


def main() -> None:
    a = [(i % 7) / 7 for i in range(N * N)]
    b = [(i % 5) / 5 for i in range(N * N)]
    reps = calibrate(a, b)
    result: dict = {"workMsPerBatch": 0.0, "plain": [], "reporting": []}
    steps = 0
    in_work = 0.0

    def train(ctx: pushtune.Context, op: pushtune.SearcherOperation, report: bool) -> None:
        nonlocal steps, in_work
        for _ in range(PER_ROUND):
            started = time.perf_counter()
            loss = work(a, b, reps)
            in_work += time.perf_counter() - started
            if report:
                steps += 1
                ctx.train.report_training_metrics(steps, {"loss": loss})
                if steps % 100 == 0:
                    op.report_progress(steps)

    def measure(ctx: pushtune.Context, op: pushtune.SearcherOperation, report: bool) -> dict:
        nonlocal in_work
        in_work = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        train(ctx, op, report)
        return {
            "wallMs": (time.perf_counter() - wall) * 1000,
            "cpuMs": (time.process_time() - cpu) * 1000,
            "workMs": in_work * 1000,
        }

    with pushtune.init() as ctx:
        for op in ctx.searcher.operations():
            for _ in range(WARMUP_ROUNDS):
                train(ctx, op, False)
                train(ctx, op, True)
            for _ in range(ROUNDS):
                result["plain"].append(measure(ctx, op, False))
                result["reporting"].append(measure(ctx, op, True))
            ctx.train.report_validation_metrics(steps, {"validation_loss": 1.0})
            op.report_completed(1.0)
    result["workMsPerBatch"] = sum(p["cpuMs"] for p in result["plain"]) / (ROUNDS * PER_ROUND)
    with open(os.environ["SDK_OVERHEAD_RESULT"], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
