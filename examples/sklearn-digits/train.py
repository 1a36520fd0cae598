"""
A scikit-learn MLPClassifier on the digits that ship with scikit-learn,
written against pushtune's core context: this loop decides itself when to
report, validate, checkpoint and stop.

One batch, in pushtune's lengths, is one epoch: one ``partial_fit`` over the
whole training split (in mini-batches of 64 inside scikit-learn). The master
decides how many epochs each trial trains and which trials go on.

With a master: the master starts this file with PUSHTUNE_* set, and the
process runs trial after trial (``pushtune.trials()``), so Python,
scikit-learn and the digits are loaded once, not for every trial. Without
one, ``python3 train.py [--epochs N] [--lr X] [--alpha X] [--width N]`` trains
one trial here (a dry run) and prints what it would report.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys

from digits import CLASSES, Digits, new_model, read_hparams, validate

import pushtune


def in_epochs(length: dict | None) -> int | None:
    """A period of the config (``{"unit": "batches", "value": N}``) in epochs, which are this trial's batches."""
    if length is None:
        return None
    if length["unit"] not in ("batches", "unitless"):
        raise ValueError(f"this example counts in batches (one batch = one epoch), got {length['unit']}")
    return max(1, int(length["value"]))


def run_trial(ctx: pushtune.Context, digits: Digits) -> str:
    """Trains one trial to the end of its operations or until it is told to stop; returns a line to print."""
    hp = read_hparams(ctx.hparams)
    if isinstance(hp, str):
        print(f"sklearn-digits: {hp}", file=sys.stderr)
        ctx.train.report_early_exit("INVALID_HP")  # the searcher replaces this trial
        return "sklearn-digits: invalid hyperparameters"
    config = ctx.config
    in_epochs(config["searcher"]["max_length"])  # lengths must be in batches
    metric = config["searcher"]["metric"]  # validation_loss in experiment.yaml; validation_accuracy would do
    scheduling_unit = max(1, int(config["scheduling_unit"]))
    validation_period = in_epochs(config.get("min_validation_period"))
    checkpoint_period = in_epochs(config.get("min_checkpoint_period"))

    model = new_model(hp, ctx.trial_seed)
    epochs = 0
    if ctx.latest_checkpoint is not None:
        # A restarted, paused or promoted trial goes on from where its checkpoint was taken.
        with ctx.checkpoint.restore_path() as path:
            model = pickle.loads((path / "model.pkl").read_bytes())
        epochs = ctx.checkpoint.read_metadata(ctx.latest_checkpoint)["steps_completed"]
        print(f"trial {ctx.trial_id} run {ctx.run_id}: resumed at epoch {epochs}")

    checkpointed = epochs

    def checkpoint() -> None:
        nonlocal checkpointed
        if epochs == checkpointed:
            return
        with ctx.checkpoint.store_path({"steps_completed": epochs}) as path:
            (path / "model.pkl").write_bytes(pickle.dumps(model))
        checkpointed = epochs

    validated: tuple[int, dict[str, float]] | None = None

    def validation() -> dict[str, float]:
        nonlocal validated
        if validated is None or validated[0] != epochs:
            metrics = validate(model, digits)
            ctx.train.report_validation_metrics(epochs, metrics)
            validated = (epochs, metrics)
        return validated[1]

    losses: list[float] = []
    for op in ctx.searcher.operations():
        # Lengths are absolute: a resumed trial trains only what is left of the op.
        while epochs < op.length:
            x, y = digits.epoch(ctx.trial_seed, epochs)
            model.partial_fit(x, y, classes=CLASSES)
            epochs += 1
            if not math.isfinite(model.loss_):
                print(f"sklearn-digits: the training loss diverged at epoch {epochs}", file=sys.stderr)
                ctx.train.report_early_exit("INVALID_HP")
                return "sklearn-digits: exited early, the loss diverged"
            losses.append(model.loss_)
            if epochs % scheduling_unit == 0 or epochs == op.length:
                ctx.train.report_training_metrics(epochs, {"loss": sum(losses) / len(losses)})
                losses.clear()
                op.report_progress(epochs)
            if validation_period is not None and epochs % validation_period == 0:
                validation()
            if checkpoint_period is not None and epochs % checkpoint_period == 0:
                checkpoint()
            # It stops only where it has just reported (as the Trainer does): a trial resumed
            # from that checkpoint reports the training losses of one that never stopped.
            if epochs % scheduling_unit == 0 and ctx.preempt.should_preempt():
                break
        if epochs < op.length:
            break  # told to stop in the middle of the op
        op.report_completed(validation()[metric])
    if losses:
        ctx.train.report_training_metrics(epochs, {"loss": sum(losses) / len(losses)})
    # Closed, or told to stop (pause, or another trial needs the slot): keep what was trained.
    checkpoint()
    if ctx.preempt.should_preempt():
        ctx.preempt.acknowledge()
        return f"sklearn-digits: stopped at epoch {epochs}, checkpointed"
    accuracy = validated[1]["validation_accuracy"] if validated else float("nan")
    return f"sklearn-digits: completed after {epochs} epochs; validation accuracy {accuracy:.4f}"


def dry_run_options() -> dict:
    """``python3 train.py`` without a master: one trial of ``--epochs``, with these hyperparameters."""
    parser = argparse.ArgumentParser(description="Train one trial here, without a master (a dry run).")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--validate-every", type=int, default=10)
    parser.add_argument("--checkpoint-every", type=int)
    args = parser.parse_args()
    return {
        "max_length": args.epochs,
        "hparams": {"lr": args.lr, "alpha": args.alpha, "width": args.width},
        "config": {
            "scheduling_unit": 5,
            "min_validation_period": {"batches": args.validate_every},
            "min_checkpoint_period": {"batches": args.checkpoint_every} if args.checkpoint_every else None,
        },
    }


def main() -> None:
    digits = Digits.load()  # once per process: every trial uses the same split
    for ctx in pushtune.trials(dry_run=dry_run_options()):
        print(run_trial(ctx, digits))


if __name__ == "__main__":
    main()
