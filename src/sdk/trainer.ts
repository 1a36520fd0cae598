/**
 * The Trainer (DESIGN §5): the user fills in `trainBatch`, `evaluate`, `save`
 * and `load`; the workload sequencer decides when each runs and pushes the
 * results. Cadence, all counted in batches from the start of the trial (so a
 * restarted trial keeps the same schedule):
 *
 * - trains each operation up to its absolute length;
 * - every `scheduling_unit` batches and at the end of each operation: reports
 *   the mean training metrics of the batches since the last report and the
 *   progress; at the multiples of `scheduling_unit` it also checks preemption;
 * - validates at every multiple of `min_validation_period` and at the end of
 *   each operation, never twice at one step;
 * - checkpoints at every multiple of `min_checkpoint_period`, after a
 *   validation when `checkpoint_policy` says so (`all`: always; `best`: when it
 *   is at least as good as the experiment's best), at the end of the trial and
 *   before stopping for preemption, never twice at one step;
 * - in a pbt search, checkpoints at the end of every operation (a round)
 *   before reporting it, whatever `checkpoint_policy` says: once the round is
 *   judged, a new trial may start from this one's latest checkpoint;
 * - resumes from PUSHTUNE_LATEST_CHECKPOINT at the step it was taken. A trial
 *   that pbt started from its parent's checkpoint resumes from that one: the
 *   parent's model state and step count, with the trial's own hparams.
 *
 * The Python SDK's Trainer follows the same rules: both are held to one table
 * of cases, tests/sdk/trainer-cases.json.
 */
import { ownValue } from "../protocol/own-value.js";
import { type Context, type InitOptions, init } from "./context.js";
import { InvalidHPError, InvalidReportError, PreemptedError } from "./errors.js";
import { EventLoopTurns } from "./event-loop.js";
import { LengthConverter } from "./lengths.js";
import { MetricWindow } from "./metric-window.js";
import { checkSteps, type Metrics } from "./metrics.js";
import { stderrLine } from "./notices.js";
import type { SearcherOperation } from "./searcher-operations.js";

type MaybePromise<T> = T | Promise<T>;

export interface TrainerHooks {
  /** Optional: build the model from `ctx.hparams` (seeded by `ctx.trialSeed`) before anything else. */
  setup?(ctx: Context): MaybePromise<void>;
  /** Trains one batch; `batchIndex` counts from 0 over the whole trial. Returns its metrics. */
  trainBatch(batchIndex: number): MaybePromise<Metrics | undefined>;
  /** Validates; must return the searcher's metric among others. */
  evaluate(): MaybePromise<Metrics>;
  /** Writes the model's state into `dir` (which the SDK creates and publishes). */
  save(dir: string): MaybePromise<void>;
  /** Reads back what `save` wrote. */
  load(dir: string): MaybePromise<void>;
  /**
   * Optional: frees what this trial's model holds (tensors, open files) once
   * its fit is over, however it ended, so that the process can run another.
   */
  teardown?(): MaybePromise<void>;
}

export interface FitOptions {
  /** An open context; by default `init(options.init)` opens one and the fit closes it. */
  ctx?: Context;
  init?: InitOptions;
}

export interface FitResult {
  /** `completed`: the trial was closed; `preempted`: checkpointed and acknowledged; `exitedEarly`: INVALID_HP. */
  outcome: "completed" | "preempted" | "exitedEarly";
  /** Batches trained in total, counting those before the checkpoint it resumed from. */
  batches: number;
}

/** Extend and call `fit()`; or pass any object with the same methods to `runTrainer`. */
export abstract class Trainer implements TrainerHooks {
  abstract trainBatch(batchIndex: number): MaybePromise<Metrics | undefined>;
  abstract evaluate(): MaybePromise<Metrics>;
  abstract save(dir: string): MaybePromise<void>;
  abstract load(dir: string): MaybePromise<void>;

  fit(options: FitOptions = {}): Promise<FitResult> {
    return runTrainer(this, options);
  }
}

/**
 * Runs a trainer until the trial is closed or preempted; everything it
 * reported is delivered when this resolves, and `teardown` has run. Returns
 * normally on preemption, so the process can exit 0.
 */
export async function runTrainer(
  trainer: TrainerHooks,
  options: FitOptions = {},
): Promise<FitResult> {
  let result: FitResult;
  try {
    result = await fitAndDeliver(trainer, options);
  } catch (error) {
    try {
      await trainer.teardown?.();
    } catch {
      // The fit's error is the one to see, not one of its teardown.
    }
    throw error;
  }
  await trainer.teardown?.();
  return result;
}

async function fitAndDeliver(trainer: TrainerHooks, options: FitOptions): Promise<FitResult> {
  const ctx = options.ctx ?? (await init(options.init));
  let result: FitResult;
  try {
    result = await new WorkloadSequencer(trainer, ctx).run();
  } catch (error) {
    if (options.ctx === undefined) await ctx.close().catch(() => undefined);
    throw error;
  }
  await (options.ctx === undefined ? ctx.close() : ctx.flush());
  return result;
}

class WorkloadSequencer {
  private batches = 0;
  private lastValidation: { step: number; metrics: Metrics } | null = null;
  private lastCheckpoint: number | null = null;
  private readonly window = new MetricWindow();
  /** Synchronous batches never let reports out or the preemption answer in: give them turns. */
  private readonly turns = new EventLoopTurns();
  private readonly lengths: LengthConverter;
  private readonly schedulingUnit: number;
  private readonly validationPeriod: number | null;
  private readonly checkpointPeriod: number | null;

  constructor(
    private readonly trainer: TrainerHooks,
    private readonly ctx: Context,
  ) {
    const { config } = ctx;
    this.lengths = new LengthConverter(config, ctx.hparams);
    this.schedulingUnit = Math.max(1, Math.floor(config.scheduling_unit));
    this.validationPeriod = this.period(config.min_validation_period, "min_validation_period");
    this.checkpointPeriod = this.period(config.min_checkpoint_period, "min_checkpoint_period");
  }

  async run(): Promise<FitResult> {
    try {
      // Hyperparameters a model cannot be built with are found in setup, most often.
      await this.trainer.setup?.(this.ctx);
      await this.restore();
      for await (const op of this.ctx.searcher.operations()) {
        const reached = await this.trainTo(this.lengths.opToBatches(op.length), op);
        if (!reached) return await this.stopForPreemption();
        const metrics = await this.validate({ decidePolicy: false });
        // Queued before the completion, so the master has it when the round is judged.
        if (this.ctx.config.searcher.name === "pbt") await this.checkpoint();
        await op.reportCompleted(this.searcherMetric(metrics));
        // The policy weighs the operation's validation once the master has its completion
        // (the experiment's best then counts it), unless the trial's run ends here (it is
        // closed, or told to stop: a waiting trial gives its slot up): its end is checkpointed
        // anyway, so nobody waits for the best metric between its last report and its end, and
        // the ask for the next trial carries that checkpoint. A trial that goes on is checkpointed now.
        if (!op.endsRun && (await this.policyWantsCheckpoint(metrics))) await this.checkpoint();
      }
    } catch (error) {
      if (!(error instanceof InvalidHPError)) throw error;
      // The master records only the reason's code: what was wrong goes to the trial's log.
      stderrLine(
        `pushtune: trial ${this.ctx.trialId} exits early, its hyperparameters are invalid: ${error.message}`,
      );
      await this.ctx.train.reportEarlyExit("INVALID_HP");
      return { outcome: "exitedEarly", batches: this.batches };
    }
    if (this.ctx.preempt.shouldPreempt()) return await this.stopForPreemption();
    await this.checkpoint();
    return { outcome: "completed", batches: this.batches };
  }

  /** Trains up to `target` batches; false if it stopped early for preemption. */
  private async trainTo(target: number, op: SearcherOperation): Promise<boolean> {
    while (this.batches < target) {
      this.window.add(await this.trainer.trainBatch(this.batches), this.batches);
      this.batches += 1;
      const step = this.batches;
      const unitBoundary = step % this.schedulingUnit === 0;
      if (unitBoundary || step === target) {
        await this.reportTraining();
        // At the target the operation's completion, which follows, says as much.
        if (step < target) op.reportProgress(this.lengths.progress(step, op.length));
      }
      // At the target the operation's own validation follows.
      if (this.validationPeriod !== null && step % this.validationPeriod === 0 && step < target)
        await this.validate();
      if (this.checkpointPeriod !== null && step % this.checkpointPeriod === 0)
        await this.checkpoint();
      if (unitBoundary) await this.turns.maybeYield();
      if (unitBoundary && step < target && this.ctx.preempt.shouldPreempt()) return false;
    }
    return true;
  }

  private async reportTraining(): Promise<void> {
    const means = this.window.take();
    if (means !== null) await this.ctx.train.reportTrainingMetrics(this.batches, means);
  }

  /** Validates at the current step (once), then checkpoints if the policy says so (unless told not to decide yet). */
  private async validate({ decidePolicy } = { decidePolicy: true }): Promise<Metrics> {
    if (this.lastValidation?.step === this.batches) return this.lastValidation.metrics;
    const metrics = await this.trainer.evaluate();
    await this.ctx.train.reportValidationMetrics(this.batches, metrics);
    this.lastValidation = { step: this.batches, metrics };
    if (decidePolicy && (await this.policyWantsCheckpoint(metrics))) await this.checkpoint();
    return metrics;
  }

  private async policyWantsCheckpoint(metrics: Metrics): Promise<boolean> {
    switch (this.ctx.config.checkpoint_policy) {
      case "none":
        return false;
      case "all":
        return true;
      case "best": {
        const value = this.searcherMetric(metrics);
        let best: number | null;
        try {
          best = await this.ctx.checkpoint.getBestValidation();
        } catch {
          return true; // cannot tell: keeping one checkpoint too many is the safe side
        }
        if (best === null) return true;
        return this.ctx.config.searcher.smaller_is_better ? value <= best : value >= best;
      }
    }
  }

  private async checkpoint(): Promise<void> {
    if (this.lastCheckpoint === this.batches || this.batches === 0) return;
    await this.ctx.checkpoint.store({ stepsCompleted: this.batches }, (dir) =>
      this.trainer.save(dir),
    );
    this.lastCheckpoint = this.batches;
  }

  private async stopForPreemption(): Promise<FitResult> {
    const reason: unknown = this.ctx.preempt.signal.reason;
    // Aborted for another reason (this allocation was superseded): nothing may be written.
    if (!(reason instanceof PreemptedError)) throw reason;
    await this.reportTraining();
    await this.checkpoint();
    await this.ctx.preempt.acknowledge();
    return { outcome: "preempted", batches: this.batches };
  }

  private async restore(): Promise<void> {
    const uuid = this.ctx.latestCheckpoint;
    if (uuid === null) return;
    const steps = await this.ctx.checkpoint.restore(uuid, async (dir, metadata) => {
      await this.trainer.load(dir);
      return metadata.stepsCompleted;
    });
    this.batches = checkSteps(steps, `checkpoint ${uuid}`);
    this.lastCheckpoint = this.batches;
  }

  private searcherMetric(metrics: Metrics): number {
    const name = this.ctx.config.searcher.metric;
    const value = ownValue(metrics, name);
    if (typeof value !== "number") {
      // A dry run has no experiment config: its metric is the default unless the script names its own.
      const dry = this.ctx.dryRun
        ? ` (a dry run's metric is "${name}" unless the dryRun option names another: dryRun: {config: {searcher: {metric: "..."}}})`
        : "";
      throw new InvalidReportError(
        `evaluate() must return the searcher's metric "${name}"; it returned ${JSON.stringify(Object.keys(metrics))}${dry}`,
      );
    }
    return value;
  }

  private period(length: Context["config"]["min_validation_period"], field: string): number | null {
    if (length === null) return null;
    return Math.max(1, this.lengths.toBatches(length, field));
  }
}
