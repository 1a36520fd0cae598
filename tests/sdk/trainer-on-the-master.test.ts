/**
 * The contract between the SDK and the master, end to end: the Trainer plays
 * every trial of an async halving experiment against the real master (its
 * store, scheduler and routes, driven in-process through fastify's inject).
 */
import { expect, test } from "vitest";
import { isTerminal, type RunState } from "../../src/master/domain/run-state.js";
import { init } from "../../src/sdk/index.js";
import { ashaConfig } from "../master/support/configs.js";
import { startTestMaster } from "../master/support/harness.js";
import { injectTransport } from "./inject-transport.js";
import { RecordingTrainer } from "./recording-trainer.js";

interface Run {
  resumedFrom: string | null;
  trainer: RecordingTrainer;
  outcome: string;
}

test("the Trainer plays every trial of an async halving experiment on the real master", async () => {
  const tm = await startTestMaster({ slots: 3 });
  try {
    const runs: Run[] = [];
    const running: Promise<void>[] = [];
    tm.launcher.onLaunch((spec) => {
      const run = async () => {
        const trainer = new RecordingTrainer({
          validation: (steps) => ({ validation_loss: 1 / steps + spec.trialId / 1000 }),
        });
        const ctx = await init({
          transport: injectTransport(tm, () => spec.env.PUSHTUNE_TOKEN ?? ""),
          env: spec.env,
          handleExitSignals: false,
          log: () => {},
          operationWaitSeconds: 1,
          preemptionTimeoutSeconds: 1,
        });
        const result = await trainer.fit({ ctx });
        await ctx.close();
        runs.push({ resumedFrom: ctx.latestCheckpoint, trainer, outcome: result.outcome });
        tm.launcher.exit(spec.allocationId, { exitCode: 0 });
      };
      running.push(run().catch(() => tm.launcher.exit(spec.allocationId, { exitCode: 1 })));
    });

    const created = await tm.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig({ scheduling_unit: 50, min_validation_period: { batches: 100 } }),
      workdir: "/tmp",
    });
    expect(created.status).toBe(201);
    // The experiment passes through STOPPING_COMPLETED while the last allocations exit.
    let exp = { state: "ACTIVE", progress: 0, trialCounts: {} };
    for (let i = 0; i < 600 && !isTerminal(exp.state as RunState); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      exp = (await tm.admin.get<typeof exp>(`/experiments/${created.body.id}`)).body;
    }
    await Promise.all(running);

    expect(exp).toMatchObject({ state: "COMPLETED", progress: 1, trialCounts: { COMPLETED: 9 } });
    expect(runs.every((r) => r.outcome !== "exitedEarly")).toBe(true);
    // A run started from a checkpoint trains on from the checkpoint's step.
    for (const run of runs.filter((r) => r.resumedFrom !== null && r.trainer.trained.length > 0)) {
      expect(run.trainer.trained[0]).toBe(run.trainer.loadedSteps[0]);
    }
    // 9 trials to 100 batches, 3 of them on to 300, 1 to 900: nothing trained twice.
    const trained = runs.reduce((sum, r) => sum + r.trainer.trained.length, 0);
    expect(trained).toBe(9 * 100 + 3 * 200 + 600);
  } finally {
    await tm.close();
  }
});
