/**
 * The push calls a trial makes (DESIGN §4). Every call is idempotent: a trial
 * whose request landed but whose answer was lost simply sends it again.
 */

import { ApiError } from "../../protocol/api/errors.js";
import { earlyExitReason, reportedEarlyExit } from "../../protocol/api/last-failure.js";
import type {
  CheckpointBody,
  CompletedOperationBody,
  EarlyExitBody,
  MetricsBody,
  NextTrialResponse,
  OperationResponse,
} from "../../protocol/api/push.js";
import { ownValue } from "../../protocol/own-value.js";
import { isTerminal } from "../domain/run-state.js";
import { retryDeadlocks } from "../storage/deadlock.js";
import type { AllocationRow, MetricReportInput, Store, TrialRow } from "../storage/store.js";
import { registerCheckpoint } from "./checkpoint-registration.js";
import type { MasterContext } from "./context.js";
import { opKey, preemptKey } from "./effects.js";
import { GroupCommit } from "./group-commit.js";
import { HandoverAnswers } from "./handover-answers.js";
import { type Principal, requireTrialReader, requireTrialWriter } from "./principal.js";
import { checkProgress, superseded } from "./push-refusals.js";
import type { Supervisor } from "./supervisor.js";

export class PushService {
  private readonly group: GroupCommit;
  /** Answers to `next_trial`, for asks that are retried. */
  private readonly handovers = new HandoverAnswers();

  constructor(
    private readonly ctx: MasterContext,
    private readonly supervisor: Supervisor,
  ) {
    this.group = new GroupCommit(ctx.store);
  }

  async trial(trialId: number): Promise<TrialRow> {
    const trial = await this.ctx.store.getTrial(trialId);
    if (!trial) throw new ApiError("TRIAL_NOT_FOUND", `no trial ${trialId}`);
    return trial;
  }

  /** The trial a writer pushes for; with `progress`, that progress is checked against it. */
  private async writer(
    principal: Principal,
    trialId: number,
    progress?: number,
  ): Promise<{ trial: TrialRow; allocation: AllocationRow }> {
    const allocation = requireTrialWriter(principal, trialId);
    const trial = await this.trial(trialId);
    if (progress !== undefined) await checkProgress(this.ctx.store, trial, progress);
    return { trial, allocation };
  }

  /**
   * The trial's next op; waits up to `waitSeconds` for one when none is
   * decided yet. A preempted allocation gets `preempt: true` instead of work,
   * at once or as soon as it is told to stop.
   */
  async operation(
    principal: Principal,
    trialId: number,
    waitSeconds: number,
    signal?: AbortSignal,
  ): Promise<OperationResponse> {
    requireTrialReader(principal, trialId);
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const trial = await this.trial(trialId);
      const next = await this.ctx.store.getNextTrialOp(trialId);
      if (!next && (trial.closeRequested || isTerminal(trial.state)))
        return { op: null, completed: true };
      if (await this.preempted(principal, trialId))
        return { op: null, completed: false, preempt: true };
      if (next) return { op: { length: next.length }, completed: false };
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return { op: null, completed: false };
      // Wakes on a new op, a close, and on this allocation being told to stop.
      const woke = await this.ctx.notifier.wait(opKey(trialId), left, signal);
      if (!woke) return { op: null, completed: false };
    }
  }

  /** Whether the asking allocation (for a user: the trial's live one) has been told to stop. */
  private async preempted(principal: Principal, trialId: number): Promise<boolean> {
    if (principal.kind === "allocation") {
      const a = await this.ctx.store.getAllocation(principal.allocation.id);
      return !a || a.preemptRequested || a.state === "TERMINATED";
    }
    const live = await this.ctx.store.listLiveAllocations({ trialId });
    return live.some((a) => a.preemptRequested);
  }

  async completeOperation(
    principal: Principal,
    trialId: number,
    body: CompletedOperationBody,
  ): Promise<void> {
    // The allocation names the trial's experiment: the trial is read once, inside the transaction.
    const allocation = requireTrialWriter(principal, trialId);
    await this.ctx.transact(allocation.experimentId, async (tx, exp, effects) => {
      const trial = await tx.getTrial(trialId);
      if (!trial) throw new ApiError("TRIAL_NOT_FOUND", `no trial ${trialId}`);
      const ops = await tx.listTrialOps(trialId);
      // A retried completion is a no-op, also once the searcher has answered it with the next op.
      const done = ops.find((o) => o.completed && o.length === body.op.length);
      if (done) {
        if (done.searcherMetric === body.searcherMetric) return;
        throw new ApiError(
          "OP_MISMATCH",
          `trial ${trialId} completed length ${done.length} with searcher metric ${done.searcherMetric}, not ${body.searcherMetric}`,
          { reported: body.op.length, searcherMetric: done.searcherMetric },
        );
      }
      const next = ops.find((o) => !o.completed);
      if (!next) {
        throw new ApiError("OP_MISMATCH", `trial ${trialId} has no operation to complete`, {
          reported: body.op.length,
        });
      }
      if (next.length !== body.op.length) {
        throw new ApiError(
          "OP_MISMATCH",
          `trial ${trialId} is working on length ${next.length}, not ${body.op.length}`,
          { expected: next.length, reported: body.op.length },
        );
      }
      // Metric pushes take no lock: the store settles the bests. Offered first, so the
      // experiment's row is written before the trial's, as a pause or an activate writes them.
      const { smaller_is_better: smaller } = exp.config.searcher;
      await tx.offerBestValidation(trialId, body.searcherMetric, smaller);
      await tx.completeTrialOp(trialId, next.seq, body.searcherMetric);
      await tx.updateTrial(trialId, {
        completedLength: next.length,
        lengthTrained: Math.max(trial.lengthTrained, next.length),
        latestValidation: body.searcherMetric,
      });
      await this.ctx.driver.apply(
        tx,
        exp,
        {
          type: "validationCompleted",
          requestId: trial.requestId,
          metric: body.searcherMetric,
          length: next.length,
        },
        effects,
      );
      // This trial may now be waiting for a promotion, and yield its slot to one who waits.
      effects.scheduleIfContended = true;
    });
    // Waiting for a promotion (no op, not closed) while trials wait for slots: the answer to
    // this completion says whether to give the slot up. A closed trial's answer is final
    // without a pass, and nobody reads the trial again when no trial waits.
    await this.supervisor.passIfContended(
      async () =>
        !(await this.trial(trialId)).closeRequested &&
        !(await this.ctx.store.getNextTrialOp(trialId)),
    );
  }

  async earlyExit(principal: Principal, trialId: number, body: EarlyExitBody): Promise<void> {
    const { trial } = await this.writer(principal, trialId);
    await this.ctx.transact(trial.experimentId, async (tx, exp, effects) => {
      const current = (await tx.getTrial(trialId))!;
      if (reportedEarlyExit(current.endReason)) return; // reported already
      await tx.updateTrial(trialId, { endReason: earlyExitReason(body.reason) });
      await this.ctx.driver.apply(
        tx,
        exp,
        { type: "trialExitedEarly", requestId: trial.requestId, reason: body.reason },
        effects,
      );
    });
  }

  async progress(principal: Principal, trialId: number, progress: number): Promise<void> {
    const { trial } = await this.writer(principal, trialId, progress);
    await this.recordProgress(trial, progress);
  }

  /** Progress already checked against `trial`'s operations: stored, and told to the searcher. */
  private async recordProgress(trial: TrialRow, progress: number): Promise<void> {
    const trialId = trial.id;
    const config = await this.ctx.configs.get(trial.experimentId);
    // A custom search process is told of progress: there it is an event of the log.
    if (config.searcher.name === "custom") return this.loggedProgress(trial, progress);
    await this.ctx.locks.run(trial.experimentId, async () => {
      // Read again under the lock, which every writer of lengthTrained takes: a report that
      // overtook this one may have gone further than the trial read above.
      const current = await this.ctx.store.getTrial(trialId);
      const exp = await this.ctx.store.getExperiment(trial.experimentId);
      if (!current || !exp) return;
      if (progress > current.lengthTrained)
        await this.ctx.store.updateTrial(trialId, { lengthTrained: progress });
      const p = await this.ctx.driver.progressOnly(exp, {
        type: "trialProgress",
        requestId: trial.requestId,
        length: progress,
      });
      if (p > exp.progress) await this.ctx.store.updateExperiment(exp.id, { progress: p });
    });
  }

  /** Progress of a custom searcher's trial: logged, when it is further than the trial had got. */
  private async loggedProgress(trial: TrialRow, progress: number): Promise<void> {
    await this.ctx.transact(trial.experimentId, async (tx, exp, effects) => {
      const current = (await tx.getTrial(trial.id))!;
      if (!(progress > current.lengthTrained) || isTerminal(current.state)) return;
      await tx.updateTrial(trial.id, { lengthTrained: progress });
      const event = {
        type: "trialProgress" as const,
        requestId: trial.requestId,
        length: progress,
      };
      await this.ctx.driver.apply(tx, exp, event, effects);
    });
  }

  /** A metrics push, then the progress it carries (if any). */
  async metricsAndProgress(
    principal: Principal,
    trialId: number,
    body: MetricsBody,
  ): Promise<number> {
    if (body.progress === undefined) return this.metrics(principal, trialId, body);
    // Checked first: a request refused for its progress stores none of its metrics either.
    const { trial } = await this.writer(principal, trialId, body.progress);
    const inserted = await this.metrics(principal, trialId, body);
    await this.recordProgress(trial, body.progress);
    return inserted;
  }

  /**
   * One transaction per request. The hot path (training metrics) is a single
   * batched insert, group-committed. A batch with validations is inserted
   * last in a transaction of its own (see `Store.addMetrics`); one with the
   * searcher metric first sets the trial's latest validation and offers its
   * best to the trial and the experiment, without the experiment's lock:
   * each best is a conditional update, so pushes at once keep the best.
   */
  async metrics(principal: Principal, trialId: number, body: MetricsBody): Promise<number> {
    const allocation = requireTrialWriter(principal, trialId);
    if (body.trialRunId !== allocation.runId)
      throw superseded(trialId, body.trialRunId, allocation.runId);
    const now = this.ctx.now();
    const reports: MetricReportInput[] = body.reports.map((r) => ({
      group: r.group,
      stepsCompleted: r.stepsCompleted,
      metrics: r.metrics,
      reportTime: r.reportTime ? new Date(r.reportTime) : now,
    }));
    const config = await this.ctx.configs.get(allocation.experimentId);
    const name = config.searcher.metric;
    // The searcher metric's latest (by steps) and best in the batch.
    let latest: { steps: number; value: number } | null = null;
    let best: number | undefined;
    const smaller = config.searcher.smaller_is_better;
    for (const r of reports) {
      const v = r.group === "validation" ? ownValue(r.metrics, name) : undefined;
      if (v === undefined) continue;
      if (!latest || r.stepsCompleted >= latest.steps)
        latest = { steps: r.stepsCompleted, value: v };
      if (best === undefined || (smaller ? v < best : v > best)) best = v;
    }
    const insert = async (store: Store) => {
      const { inserted, conflicts, supersededBy } = await store.addMetrics(
        trialId,
        allocation.runId,
        reports,
      );
      if (supersededBy !== undefined) throw superseded(trialId, allocation.runId, supersededBy);
      if (conflicts.length > 0) {
        const first = conflicts[0]!;
        throw new ApiError(
          "METRIC_CONFLICT",
          `trial ${trialId} already has different ${first.group} metrics at step ${first.stepsCompleted}`,
          { conflicts },
        );
      }
      return inserted;
    };
    if (!reports.some((r) => r.group === "validation")) return this.group.submit(insert, trialId);
    if (!latest) return insert(this.ctx.store);
    const { value } = latest;
    const batchBest = best ?? value;
    // Aborted by a deadlock (PostgreSQL), it runs again: nothing of it was stored.
    return retryDeadlocks(() =>
      this.ctx.store.transaction(async (tx) => {
        // The experiment's row before the trial's, as a pause takes them (`offerBestValidation`).
        await tx.offerBestValidation(trialId, batchBest, smaller);
        await tx.updateTrial(trialId, { latestValidation: value });
        return insert(tx);
      }),
    );
  }

  async checkpoint(principal: Principal, body: CheckpointBody): Promise<void> {
    const { trial, allocation } = await this.writer(principal, body.trialId);
    await registerCheckpoint(this.ctx, trial, allocation, body);
  }

  async bestValidation(principal: Principal, experimentId: number): Promise<number | null> {
    if (principal.kind === "allocation" && principal.allocation.experimentId !== experimentId) {
      throw new ApiError(
        "FORBIDDEN",
        `this token belongs to experiment ${principal.allocation.experimentId}`,
      );
    }
    const exp = await this.ctx.store.getExperiment(experimentId);
    if (!exp) throw new ApiError("EXPERIMENT_NOT_FOUND", `no experiment ${experimentId}`);
    return exp.bestMetric;
  }

  /**
   * The allocation a call names, as read now. `fresh: false` takes the
   * allocation's own row as its token's check read it in this request, when
   * the caller needs only what never changes (its trial, its pool) or reads it
   * again itself.
   */
  private async allocationFor(
    principal: Principal,
    allocationId: string,
    fresh = true,
  ): Promise<AllocationRow> {
    if (principal.kind === "allocation") {
      if (principal.allocation.id !== allocationId)
        throw new ApiError("FORBIDDEN", "this token belongs to another allocation");
      if (!fresh) return principal.allocation;
    }
    const a = await this.ctx.store.getAllocation(allocationId);
    if (!a) throw new ApiError("ALLOCATION_NOT_FOUND", `no allocation ${allocationId}`);
    return a;
  }

  /** Long poll: resolves as soon as the allocation is told to stop, or after the timeout. */
  async preemption(
    principal: Principal,
    allocationId: string,
    timeoutSeconds: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    await this.allocationFor(principal, allocationId, false);
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const a = await this.ctx.store.getAllocation(allocationId);
      if (!a || a.preemptRequested || a.state === "TERMINATED") return true;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return false;
      if (!(await this.ctx.notifier.wait(preemptKey(allocationId), left, signal))) return false;
    }
  }

  /**
   * The allocation's trial is done and its process can take another (see
   * `Supervisor.nextTrial`). `checkpoint`, the trial's last, is registered
   * first, also when the ask is refused: the trial is rescheduled from it.
   */
  async nextTrial(
    principal: Principal,
    allocationId: string,
    checkpoint?: CheckpointBody,
  ): Promise<NextTrialResponse> {
    const a = await this.allocationFor(principal, allocationId);
    if (principal.kind !== "allocation")
      throw new ApiError("FORBIDDEN", "only the allocation itself asks for its next trial");
    const earlier = this.handovers.get(allocationId);
    if (earlier) return earlier;
    // Kept at once: an ask repeated meanwhile gets this answer, not a second handover.
    const answer = (async () => {
      if (checkpoint) await this.checkpoint(principal, checkpoint);
      // A process that outlived its allocation (its launcher took it for gone) gets no trial;
      // its checkpoint, its trial's newest work, is registered all the same.
      if (a.state === "TERMINATED")
        throw new ApiError("STALE_ALLOCATION", `allocation ${allocationId} has ended`);
      return { env: await this.supervisor.nextTrial(a) };
    })();
    this.handovers.keep(allocationId, answer);
    return answer;
  }

  /** Allocation `allocationId` has ended: its process asked for its next trial, or `exited`. */
  allocationEnded(allocationId: string, exited: boolean): void {
    this.handovers.ended(allocationId, exited);
  }

  async ackPreemption(principal: Principal, allocationId: string): Promise<void> {
    const a = await this.allocationFor(principal, allocationId);
    if (principal.kind !== "allocation")
      throw new ApiError("FORBIDDEN", "only the allocation itself acknowledges preemption");
    if (a.state === "TERMINATED")
      throw new ApiError("STALE_ALLOCATION", `allocation ${allocationId} has ended`);
    await this.ctx.store.updateAllocation(allocationId, { preemptAcked: true });
  }
}
