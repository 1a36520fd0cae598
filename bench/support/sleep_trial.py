"""
The trial of bench/python-trial-overhead.ts: trial after trial in one process
(``pushtune.trials()``), each sleeping ``sleep_ms`` per batch and reporting a
training metric after every batch, so all that is not sleep is pushtune's
bookkeeping (and Python's start-up, once per process).
"""

import time

import pushtune

for ctx in pushtune.trials():
    print(f"trial {ctx.trial_id} started", flush=True)  # its first log line: the end of its start-up
    pause = ctx.hparams["sleep_ms"] / 1000
    steps = 0
    for op in ctx.searcher.operations():
        while steps < op.length:
            time.sleep(pause)
            steps += 1
            ctx.train.report_training_metrics(steps, {"loss": 1 / steps})
            op.report_progress(steps)
        ctx.train.report_validation_metrics(steps, {"validation_loss": 1 / steps})
        op.report_completed(1 / steps)
