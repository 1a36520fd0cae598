/** Small helpers to act as one running trial in tests. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LaunchSpec } from "../../../src/master/launcher/launcher.js";
import type { Client, TestMaster } from "./harness.js";

export function running(tm: TestMaster, trialId?: number): LaunchSpec[] {
  return [...tm.launcher.live.values()]
    .filter((s) => trialId === undefined || s.trialId === trialId)
    .sort((a, b) => a.trialId - b.trialId);
}

export function runningOne(tm: TestMaster, trialId: number): LaunchSpec {
  const [spec] = running(tm, trialId);
  if (!spec) throw new Error(`trial ${trialId} is not running`);
  return spec;
}

export class TrialHandle {
  readonly api: Client;
  constructor(
    readonly tm: TestMaster,
    readonly spec: LaunchSpec,
  ) {
    this.api = tm.as(spec.env.PUSHTUNE_TOKEN!);
  }
  get id() {
    return this.spec.trialId;
  }
  get runId() {
    return Number(this.spec.env.PUSHTUNE_TRIAL_RUN_ID);
  }
  async op(waitSeconds = 0) {
    return (
      await this.api.get<{ op: { length: number } | null; completed: boolean }>(
        `/trials/${this.id}/searcher/operation?waitSeconds=${waitSeconds}`,
      )
    ).body;
  }
  async metrics(group: "training" | "validation", steps: number, metrics: Record<string, number>) {
    return this.api.post(`/trials/${this.id}/metrics`, {
      trialRunId: this.runId,
      reports: [{ group, stepsCompleted: steps, metrics }],
    });
  }
  async complete(length: number, metric: number) {
    await this.metrics("validation", length, { validation_loss: metric });
    return this.api.post(`/trials/${this.id}/searcher/completed_operation`, {
      op: { length },
      searcherMetric: metric,
    });
  }
  /** Writes a checkpoint of one 4-byte file into the trial's storage and registers it; its folder. */
  async storeCheckpoint(uuid: string, stepsCompleted: number): Promise<string> {
    const dir = join(this.spec.env.PUSHTUNE_CHECKPOINT_DIR!, uuid);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "w.bin"), Buffer.alloc(4));
    const res = await this.api.post("/checkpoints", {
      uuid,
      trialId: this.id,
      stepsCompleted,
      resources: { "w.bin": 4 },
      metadata: {},
    });
    if (res.status !== 200)
      throw new Error(`checkpoint ${uuid} refused: ${JSON.stringify(res.body)}`);
    return dir;
  }
  async preempted(timeoutSeconds = 0) {
    return (
      await this.api.get<{ preempt: boolean }>(
        `/allocations/${this.spec.allocationId}/signals/preemption?timeoutSeconds=${timeoutSeconds}`,
      )
    ).body.preempt;
  }
  async ackAndExit() {
    await this.api.post(`/allocations/${this.spec.allocationId}/signals/ack_preemption`);
    this.tm.launcher.exit(this.spec.allocationId, { exitCode: 0 });
    await this.tm.settle();
  }
  async exit(exitCode: number | null, signal: string | null = null) {
    this.tm.launcher.exit(this.spec.allocationId, { exitCode, signal });
    await this.tm.settle();
  }
}

export function trial(tm: TestMaster, trialId: number): TrialHandle {
  return new TrialHandle(tm, runningOne(tm, trialId));
}
