"""The contract suite's trial on the Python SDK's core context: the same trial as
``contract-trial.mjs`` (see there for the hyperparameters and variables that drive
it), so that both push the same rows. Any change here is made there too.

loss(s) = scale / (s + 1) and validation_loss(s) = scale / (s + 2): one IEEE
division each, the same double as in JavaScript."""

import json
import os
from pathlib import Path

if os.environ.get("CONTRACT_ENV_DIR"):
    # Before init(), which takes PUSHTUNE_OPERATION out of the environment.
    own = {name: value for name, value in os.environ.items() if name.startswith("PUSHTUNE_")}
    run_id = os.environ["PUSHTUNE_TRIAL_RUN_ID"]
    Path(os.environ["CONTRACT_ENV_DIR"], f"run-{run_id}.json").write_text(json.dumps(own))

import time  # noqa: E402

import pushtune  # noqa: E402

STEP_SECONDS = float(os.environ.get("CONTRACT_STEP_MS", "0")) / 1000
steps = 0


def step_of_this_run(ctx, spec):
    """"1:12,2:25" -> the step of this run, or None."""
    for pair in str(spec or "").split(","):
        run, _, step = pair.partition(":")
        if run and int(run) == ctx.run_id:
            return int(step)
    return None


def run(ctx):
    global steps
    scale = float(ctx.hparams["scale"])
    if not scale > 0:
        print(f"scale {ctx.hparams['scale']} cannot work")
        ctx.train.report_early_exit("INVALID_HP")
        return

    def loss(s):
        return scale / (s + 1)

    def validation_loss(s):
        return scale / (s + 2)

    config = ctx.config
    unit = config["scheduling_unit"]
    validation_period = (config["min_validation_period"] or {}).get("value")
    checkpoint_period = (config["min_checkpoint_period"] or {}).get("value")
    hold_at = int(ctx.hparams["hold_at"]) if ctx.run_id == 1 and "hold_at" in ctx.hparams else None
    crash_at = step_of_this_run(ctx, ctx.hparams.get("crash_at"))
    raise_at = step_of_this_run(ctx, ctx.hparams.get("raise_at"))

    if ctx.latest_checkpoint is not None:
        metadata = ctx.checkpoint.read_metadata()
        with ctx.checkpoint.restore_path() as path:
            state = json.loads((path / "state.json").read_text())
        if state["steps"] != metadata["steps_completed"]:
            raise RuntimeError("checkpoint disagrees")
        steps = state["steps"]
        print(f"resumed at step {steps}")
    checkpointed = steps

    def checkpoint():
        nonlocal checkpointed
        if steps == checkpointed:
            return
        with ctx.checkpoint.store_path({"steps_completed": steps}) as path:
            (path / "state.json").write_text(json.dumps({"steps": steps}))
        checkpointed = steps

    validated = -1

    def validate():
        nonlocal validated
        if validated != steps:
            ctx.train.report_validation_metrics(steps, {"validation_loss": validation_loss(steps)})
            validated = steps
        return validation_loss(steps)

    for op in ctx.searcher.operations():
        while steps < op.length:
            if steps == hold_at:
                hold_until_preempted(ctx)
            if ctx.preempt.should_preempt():
                break
            if STEP_SECONDS > 0:
                time.sleep(STEP_SECONDS)
            steps += 1
            if steps % unit == 0 or steps == op.length:
                ctx.train.report_training_metrics(steps, {"loss": loss(steps)})
                op.report_progress(steps)
            if validation_period is not None and steps % validation_period == 0:
                validate()
            if steps == crash_at:
                ctx.flush()
                print(f"crashing at step {steps}", flush=True)
                os._exit(3)
            if steps == raise_at:
                raise RuntimeError(f"failed at step {steps}")
            if checkpoint_period is not None and steps % checkpoint_period == 0:
                checkpoint()
        if steps < op.length:
            break  # told to stop in the middle of the op
        op.report_completed(validate())
    reason = ctx.preempt.reason
    if reason is not None and not isinstance(reason, pushtune.PreemptedError):
        raise reason
    checkpoint()
    if ctx.preempt.should_preempt():
        ctx.preempt.acknowledge()


def hold_until_preempted(ctx):
    ctx.flush()
    print(f"holding at step {steps}", flush=True)
    ctx.preempt.signal.wait()


with pushtune.init() as ctx:
    try:
        run(ctx)
    except pushtune.RequestError as error:
        print(f"stopped at step {steps}: {error.code} {error.status}", flush=True)
        raise
