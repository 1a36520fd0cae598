"""The Trainer (DESIGN §5): the user fills in ``train_batch``, ``evaluate``,
``save`` and ``load``; the workload sequencer decides when each runs and pushes
the results. The same sequencing as the TypeScript SDK's (src/sdk/trainer.ts),
held to the same table of cases (tests/sdk/trainer-cases.json). Cadence, all
counted in batches from the start of the trial (so a restarted trial keeps the
same schedule):

- trains each operation up to its absolute length;
- every ``scheduling_unit`` batches and at the end of each operation: reports
  the mean training metrics of the batches since the last report and the
  progress; at the multiples of ``scheduling_unit`` it also checks preemption;
- validates at every multiple of ``min_validation_period`` and at the end of
  each operation, never twice at one step;
- checkpoints at every multiple of ``min_checkpoint_period``, after a
  validation when ``checkpoint_policy`` says so (``all``: always; ``best``: when
  it is at least as good as the experiment's best), at the end of the trial and
  before stopping for preemption, never twice at one step;
- in a pbt search, checkpoints at the end of every operation (a round) before
  reporting it, whatever ``checkpoint_policy`` says: once the round is judged, a
  new trial may start from this one's latest checkpoint;
- resumes from PUSHTUNE_LATEST_CHECKPOINT at the step it was taken. A trial that
  pbt started from its parent's checkpoint resumes from that one: the parent's
  model state and step count, with the trial's own hparams."""

from __future__ import annotations

import abc
import math
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Optional, Tuple

from .context import Context, init
from .errors import InvalidHP, InvalidReportError, PreemptedError
from .exit_signals import FLUSH_DEADLINE
from .lengths import LengthConverter
from .metric_window import MetricWindow
from .metrics import check_finite, check_steps
from .notices import stderr_line
from .searcher import SearcherOperation


class FitResult(NamedTuple):
    #: ``completed``: the trial was closed; ``preempted``: checkpointed and
    #: acknowledged; ``exited_early``: INVALID_HP.
    outcome: str
    #: Batches trained in total, counting those before the checkpoint it resumed from.
    batches: int


class Trainer(abc.ABC):
    """Subclass, fill in the methods, call ``fit()``."""

    def setup(self, ctx: Context) -> None:
        """Optional: build the model from ``ctx.hparams`` (seeded by ``ctx.trial_seed``) before anything else."""

    @abc.abstractmethod
    def train_batch(self, batch_index: int) -> Optional[Mapping[str, Any]]:
        """Trains one batch; ``batch_index`` counts from 0 over the whole trial. Returns its metrics."""

    @abc.abstractmethod
    def evaluate(self) -> Mapping[str, Any]:
        """Validates; must return the searcher's metric among others."""

    @abc.abstractmethod
    def save(self, path: Path) -> None:
        """Writes the model's state into ``path`` (a directory the SDK creates and publishes)."""

    @abc.abstractmethod
    def load(self, path: Path) -> None:
        """Reads back what ``save`` wrote."""

    def teardown(self) -> None:
        """Optional: frees what this trial's model holds (memory, open files) once its
        fit is over, however it ended, so that the process can run another."""

    def fit(self, ctx: Optional[Context] = None) -> FitResult:
        """Runs until the trial is closed or preempted; everything reported is
        delivered when this returns. Returns normally on preemption, so the
        process can exit 0. Without ``ctx`` it opens one (``pushtune.init()``) and
        closes it; with one, it only flushes it. ``teardown`` runs last."""
        try:
            result = self._fit_and_deliver(ctx)
        except BaseException:
            try:
                self.teardown()
            except Exception:  # noqa: BLE001 - the fit's error is the one to see
                pass
            raise
        self.teardown()
        return result

    def _fit_and_deliver(self, ctx: Optional[Context]) -> FitResult:
        own = ctx is None
        context = init() if ctx is None else ctx
        try:
            result = _WorkloadSequencer(self, context).run()
        except BaseException:
            if own:
                try:
                    context.close(FLUSH_DEADLINE)
                except Exception:  # noqa: BLE001 - the trainer's error is the one to see
                    pass
            raise
        if own:
            context.close()
        else:
            context.flush()
        return result


class _WorkloadSequencer:
    def __init__(self, trainer: Trainer, ctx: Context) -> None:
        self._trainer = trainer
        self._ctx = ctx
        self._batches = 0
        self._last_validation: Optional[Tuple[int, Mapping[str, Any]]] = None  # (step, metrics)
        self._last_checkpoint: Optional[int] = None
        self._window = MetricWindow()
        config = ctx.config
        self._lengths = LengthConverter(config, ctx.hparams)
        self._scheduling_unit = max(1, math.floor(config["scheduling_unit"]))
        self._validation_period = self._period(config.get("min_validation_period"), "min_validation_period")
        self._checkpoint_period = self._period(config.get("min_checkpoint_period"), "min_checkpoint_period")

    def run(self) -> FitResult:
        try:
            # Hyperparameters a model cannot be built with are found in setup, most often.
            self._trainer.setup(self._ctx)
            self._restore()
            for op in self._ctx.searcher.operations():
                if not self._train_to(self._lengths.op_to_batches(op.length), op):
                    return self._stop_for_preemption()
                metrics = self._validate(decide_policy=False)
                # Queued before the completion, so the master has it when the round is judged.
                if self._ctx.config["searcher"]["name"] == "pbt":
                    self._checkpoint()
                op.report_completed(self._searcher_metric(metrics))
                # The policy weighs the operation's validation once the master has its completion
                # (the experiment's best then counts it), unless the trial's run ends here (it is
                # closed, or told to stop: a waiting trial gives its slot up): its end is checkpointed
                # anyway, and the ask for the next trial carries that checkpoint. A trial that goes
                # on is checkpointed now.
                if not op.ends_run and self._policy_wants_checkpoint(metrics):
                    self._checkpoint()
        except InvalidHP as error:
            # The master records only the reason's code: what was wrong goes to the trial's log.
            stderr_line(f"pushtune: trial {self._ctx.trial_id} exits early, its hyperparameters are invalid: {error}")
            self._ctx.train.report_early_exit("INVALID_HP")
            return FitResult("exited_early", self._batches)
        if self._ctx.preempt.should_preempt():
            return self._stop_for_preemption()
        self._checkpoint()
        return FitResult("completed", self._batches)

    def _train_to(self, target: int, op: SearcherOperation) -> bool:
        """Trains up to ``target`` batches; False if it stopped early for preemption."""
        while self._batches < target:
            self._window.add(self._trainer.train_batch(self._batches), self._batches)
            self._batches += 1
            step = self._batches
            unit_boundary = step % self._scheduling_unit == 0
            if unit_boundary or step == target:
                self._report_training()
                # At the target the operation's completion, which follows, says as much.
                if step < target:
                    op.report_progress(self._lengths.progress(step, op.length))
            # At the target the operation's own validation follows.
            if self._validation_period is not None and step % self._validation_period == 0 and step < target:
                self._validate()
            if self._checkpoint_period is not None and step % self._checkpoint_period == 0:
                self._checkpoint()
            if unit_boundary and step < target and self._ctx.preempt.should_preempt():
                return False
        return True

    def _report_training(self) -> None:
        means = self._window.take()
        if means is not None:
            self._ctx.train.report_training_metrics(self._batches, means)

    def _validate(self, decide_policy: bool = True) -> Mapping[str, Any]:
        """Validates at the current step (once), then checkpoints if the policy says so (unless told not to decide yet)."""
        if self._last_validation is not None and self._last_validation[0] == self._batches:
            return self._last_validation[1]
        metrics = self._trainer.evaluate()
        self._ctx.train.report_validation_metrics(self._batches, metrics)
        self._last_validation = (self._batches, metrics)
        if decide_policy and self._policy_wants_checkpoint(metrics):
            self._checkpoint()
        return metrics

    def _policy_wants_checkpoint(self, metrics: Mapping[str, Any]) -> bool:
        policy = self._ctx.config["checkpoint_policy"]
        if policy == "none":
            return False
        if policy == "all":
            return True
        value = self._searcher_metric(metrics)
        try:
            best = self._ctx.checkpoint.get_best_validation()
        except Exception:  # noqa: BLE001 - cannot tell: one checkpoint too many is the safe side
            return True
        if best is None:
            return True
        return value <= best if self._ctx.config["searcher"]["smaller_is_better"] else value >= best

    def _checkpoint(self) -> None:
        if self._last_checkpoint == self._batches or self._batches == 0:
            return
        with self._ctx.checkpoint.store_path({"steps_completed": self._batches}) as path:
            self._trainer.save(path)
        self._last_checkpoint = self._batches

    def _stop_for_preemption(self) -> FitResult:
        reason = self._ctx.preempt.reason
        # Stopped for another reason (this allocation was superseded): nothing may be written.
        if reason is not None and not isinstance(reason, PreemptedError):
            raise reason
        self._report_training()
        self._checkpoint()
        self._ctx.preempt.acknowledge()
        return FitResult("preempted", self._batches)

    def _restore(self) -> None:
        uuid = self._ctx.latest_checkpoint
        if uuid is None:
            return
        steps = self._ctx.checkpoint.read_metadata(uuid)["steps_completed"]
        with self._ctx.checkpoint.restore_path(uuid) as path:
            self._trainer.load(path)
        self._batches = check_steps(steps, f"checkpoint {uuid}")
        self._last_checkpoint = self._batches

    def _searcher_metric(self, metrics: Mapping[str, Any]) -> float:
        name = self._ctx.config["searcher"]["metric"]
        if name not in metrics:
            # A dry run has no experiment config: its metric is the default unless the script names its own.
            dry = (
                f' (a dry run\'s metric is "{name}" unless the dry_run option names another:'
                ' dry_run={"config": {"searcher": {"metric": "..."}}})'
                if self._ctx.dry_run
                else ""
            )
            raise InvalidReportError(
                f'evaluate() must return the searcher\'s metric "{name}"; it returned {sorted(metrics)}{dry}'
            )
        return check_finite(metrics[name], f'the searcher metric "{name}"')

    def _period(self, length: Optional[Mapping[str, Any]], field: str) -> Optional[int]:
        if length is None:
            return None
        return max(1, self._lengths.to_batches(length, field))
