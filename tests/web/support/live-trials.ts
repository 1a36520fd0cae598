/**
 * Plays running trials the way a real training loop pushes: training
 * metrics and progress every `every` steps, a validation at each period and
 * at the end of each op, a checkpoint when an op completes, log lines
 * through the launcher — one trial action per `step()`.
 */
import { randomUUID } from "node:crypto";
import type { LaunchSpec } from "../../../src/master/launcher/launcher.js";
import type { TestMaster } from "../../master/support/harness.js";

export type Curve = (hparams: Record<string, unknown>, steps: number) => number;

export class LiveTrials {
  private readonly trained = new Map<number, number>();

  constructor(
    private readonly tm: TestMaster,
    private readonly curve: Curve,
    private readonly every = 25,
    private readonly validationPeriod = 100,
  ) {}

  private live(): LaunchSpec[] {
    return [...this.tm.launcher.live.values()].sort((a, b) => a.trialId - b.trialId);
  }

  /** One action of each running trial; false when none could act. */
  async step(): Promise<boolean> {
    let acted = false;
    for (const spec of this.live()) acted = (await this.act(spec)) || acted;
    await this.tm.settle();
    return acted;
  }

  async run(experimentId: number, limit = 5000): Promise<void> {
    for (let i = 0; i < limit; i++) {
      const exp = await this.tm.store.getExperiment(experimentId);
      if (!exp || ["COMPLETED", "CANCELED", "ERROR"].includes(exp.state)) return;
      if (!(await this.step())) {
        await this.tm.settle();
        if (!(await this.step())) return;
      }
    }
  }

  private async act(spec: LaunchSpec): Promise<boolean> {
    const api = this.tm.as(spec.env.PUSHTUNE_TOKEN!);
    const id = spec.trialId;
    const runId = Number(spec.env.PUSHTUNE_TRIAL_RUN_ID);
    const pre = await api.get<{ preempt: boolean }>(
      `/allocations/${spec.allocationId}/signals/preemption?timeoutSeconds=0`,
    );
    if (pre.body.preempt) {
      this.tm.launcher.log(spec.allocationId, "preempted: checkpointing and exiting");
      await api.post(`/allocations/${spec.allocationId}/signals/ack_preemption`);
      this.tm.launcher.exit(spec.allocationId, { exitCode: 0 });
      return true;
    }
    const res = await api.get<{ op: { length: number } | null; completed: boolean }>(
      `/trials/${id}/searcher/operation?waitSeconds=0`,
    );
    if (res.body.completed) {
      this.tm.launcher.log(spec.allocationId, "searcher closed the trial; exiting");
      this.tm.launcher.exit(spec.allocationId, { exitCode: 0 });
      return true;
    }
    const op = res.body.op;
    if (!op) return false;
    const hparams = JSON.parse(spec.env.PUSHTUNE_HPARAMS!) as Record<string, unknown>;
    const from = Math.min(this.trained.get(id) ?? 0, op.length);
    const to = Math.min(op.length, from + this.validationPeriod);
    const reports = [];
    for (let s = from + this.every; s <= to; s += this.every)
      reports.push({
        group: "training",
        stepsCompleted: s,
        metrics: { loss: this.curve(hparams, s) * 1.1 },
      });
    if (to % this.validationPeriod === 0 || to === op.length)
      reports.push({
        group: "validation",
        stepsCompleted: to,
        metrics: {
          validation_loss: this.curve(hparams, to),
          accuracy: 1 / (1 + this.curve(hparams, to)),
        },
      });
    this.trained.set(id, to);
    await api.post(`/trials/${id}/metrics`, { trialRunId: runId, reports });
    await api.post(`/trials/${id}/progress`, { progress: to });
    this.tm.launcher.log(
      spec.allocationId,
      `step ${to}: loss ${this.curve(hparams, to).toFixed(4)}`,
    );
    if (to < op.length) return true;
    await api.post("/checkpoints", {
      uuid: randomUUID(),
      trialId: id,
      stepsCompleted: to,
      resources: { "model.bin": 1_250_000 + id * 1000, "optimizer.bin": 2_500_000 },
      metadata: { framework: "pushtune-test", steps: to },
    });
    await api.post(`/trials/${id}/searcher/completed_operation`, {
      op: { length: op.length },
      searcherMetric: this.curve(hparams, to),
    });
    return true;
  }
}
