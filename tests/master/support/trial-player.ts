/**
 * Plays the trials' part over HTTP, one action at a time, in a fixed order
 * (lowest trial id first), so two runs of the same experiment make the same
 * calls in the same order. Each action is what a trial would do next: obey a
 * preemption, finish when closed, or train its op and report it; a trial
 * whose metric is not a number exits early with INVALID_HP instead.
 */
import type { LaunchSpec } from "../../../src/master/launcher/launcher.js";
import type { TestMaster } from "./harness.js";

export type MetricFn = (trial: {
  trialId: number;
  hparams: Record<string, unknown>;
  length: number;
}) => number;

export interface TrialSummaryRow {
  requestId: number;
  hparams: Record<string, unknown>;
  lengths: number[];
  state: string;
}

export class TrialPlayer {
  steps = 0;

  constructor(
    private readonly tm: TestMaster,
    private readonly metric: MetricFn,
  ) {}

  private live(): LaunchSpec[] {
    return [...this.tm.launcher.live.values()].sort((a, b) => a.trialId - b.trialId);
  }

  /** Performs one action of one trial; false when no trial can act. */
  async step(): Promise<boolean> {
    for (const spec of this.live()) {
      if (await this.act(spec)) {
        this.steps++;
        await this.tm.settle();
        return true;
      }
    }
    return false;
  }

  /**
   * One step, or, when no trial can act, one more try once the master has
   * settled (a pass it still owes may start one); false when still none can.
   */
  async advance(): Promise<boolean> {
    if (await this.step()) return true;
    await this.tm.settle();
    return this.step();
  }

  private async act(spec: LaunchSpec): Promise<boolean> {
    const api = this.tm.as(spec.env.PUSHTUNE_TOKEN!);
    const trialId = spec.trialId;
    const pre = await api.get<{ preempt: boolean }>(
      `/allocations/${spec.allocationId}/signals/preemption?timeoutSeconds=0`,
    );
    if (pre.status !== 200)
      throw new Error(`preemption check: ${pre.status} ${JSON.stringify(pre.body)}`);
    if (pre.body.preempt) {
      await api.post(`/allocations/${spec.allocationId}/signals/ack_preemption`);
      this.tm.launcher.exit(spec.allocationId, { exitCode: 0 });
      return true;
    }
    const res = await api.get<{ op: { length: number } | null; completed: boolean }>(
      `/trials/${trialId}/searcher/operation?waitSeconds=0`,
    );
    if (res.status !== 200) throw new Error(`operation: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.completed) {
      this.tm.launcher.exit(spec.allocationId, { exitCode: 0 });
      return true;
    }
    const op = res.body.op;
    if (!op) return false; // waiting for a promotion
    const hparams = JSON.parse(spec.env.PUSHTUNE_HPARAMS!) as Record<string, unknown>;
    const value = this.metric({ trialId, hparams, length: op.length });
    if (Number.isNaN(value)) {
      const exited = await api.post(`/trials/${trialId}/early_exit`, { reason: "INVALID_HP" });
      if (exited.status !== 200)
        throw new Error(`early_exit: ${exited.status} ${JSON.stringify(exited.body)}`);
      this.tm.launcher.exit(spec.allocationId, { exitCode: 0 });
      return true;
    }
    const runId = Number(spec.env.PUSHTUNE_TRIAL_RUN_ID);
    const m = await api.post(`/trials/${trialId}/metrics`, {
      trialRunId: runId,
      reports: [
        { group: "training", stepsCompleted: op.length, metrics: { loss: value } },
        { group: "validation", stepsCompleted: op.length, metrics: { validation_loss: value } },
      ],
    });
    if (m.status !== 200) throw new Error(`metrics: ${m.status} ${JSON.stringify(m.body)}`);
    const done = await api.post(`/trials/${trialId}/searcher/completed_operation`, {
      op: { length: op.length },
      searcherMetric: value,
    });
    if (done.status !== 200)
      throw new Error(`completed_operation: ${done.status} ${JSON.stringify(done.body)}`);
    return true;
  }

  /** Steps until the experiment ends (or no one can act), at most `limit` steps. */
  async run(experimentId: number, limit = 10_000): Promise<string> {
    for (let i = 0; i < limit; i++) {
      const state = await this.state(experimentId);
      if (["COMPLETED", "CANCELED", "ERROR"].includes(state)) return state;
      if (!(await this.advance())) return this.state(experimentId);
    }
    throw new Error(`experiment ${experimentId} did not end within ${limit} steps`);
  }

  async state(experimentId: number): Promise<string> {
    const res = await this.tm.admin.get<{ state: string }>(`/experiments/${experimentId}`);
    return res.body.state;
  }
}

/** What an experiment did: each trial's hparams and the lengths it completed. */
export async function summarize(tm: TestMaster, experimentId: number): Promise<TrialSummaryRow[]> {
  const trials = await tm.store.listTrials({ experimentId });
  const out: TrialSummaryRow[] = [];
  for (const t of trials) {
    const ops = await tm.store.listTrialOps(t.id);
    out.push({
      requestId: t.requestId,
      hparams: t.hparams,
      lengths: ops.filter((o) => o.completed).map((o) => o.length),
      state: t.state,
    });
  }
  return out.sort((a, b) => a.requestId - b.requestId);
}
