/** Checkpoints registered by trials, collected at the end by the keep rule; metrics across runs. */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

async function checkpoint(t: ReturnType<typeof trial>, uuid: string, steps: number) {
  const dir = join(t.spec.env.PUSHTUNE_CHECKPOINT_DIR!, uuid);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "weights.bin"), Buffer.alloc(16, steps));
  const res = await t.api.post("/checkpoints", {
    uuid,
    trialId: t.id,
    stepsCompleted: steps,
    resources: { "weights.bin": 16 },
    metadata: { steps },
  });
  expect(res.status).toBe(200);
}

describe("checkpoints", () => {
  test("at the end only the union of experiment-best, trial-best and trial-latest is kept, files included", async () => {
    tm = await startTestMaster({ slots: 4 });
    const config = ashaConfig(
      { checkpoint_storage: { save_experiment_best: 1, save_trial_best: 0, save_trial_latest: 1 } },
      { max_trials: 2, max_concurrent_trials: 2, num_rungs: 1 },
    );
    const id = (await tm.admin.post<{ id: number }>("/experiments", { config, workdir: "/tmp" }))
      .body.id;
    await tm.settle();
    const [a, b] = running(tm).map((s) => trial(tm, s.trialId));
    // Trial a: checkpoints at 300 (loss 0.2) and 900 (loss 0.5); trial b: 300 (0.4), 900 (0.3).
    const plan: [typeof a, string, number, number][] = [
      [a, "aaaaaaaa-0000-4000-8000-000000000300", 300, 0.2],
      [a, "aaaaaaaa-0000-4000-8000-000000000900", 900, 0.5],
      [b, "bbbbbbbb-0000-4000-8000-000000000300", 300, 0.4],
      [b, "bbbbbbbb-0000-4000-8000-000000000900", 900, 0.3],
    ];
    for (const [t, uuid, steps, loss] of plan) {
      await t!.metrics("validation", steps, { validation_loss: loss });
      await checkpoint(t!, uuid, steps);
    }
    for (const t of [a, b]) {
      await t!.complete(900, 0.4);
      expect((await t!.op()).completed).toBe(true);
      await t!.exit(0);
    }
    expect((await tm.admin.get<{ state: string }>(`/experiments/${id}`)).body.state).toBe(
      "COMPLETED",
    );
    const listed = await tm.admin.get<{
      checkpoints: { uuid: string; state: string; validationMetric: number }[];
    }>(`/experiments/${id}/checkpoints`);
    const active = listed.body.checkpoints
      .filter((c) => c.state === "ACTIVE")
      .map((c) => c.uuid)
      .sort();
    // experiment best = a@300 (0.2); latest per trial = a@900, b@900.
    expect(active).toEqual([
      "aaaaaaaa-0000-4000-8000-000000000300",
      "aaaaaaaa-0000-4000-8000-000000000900",
      "bbbbbbbb-0000-4000-8000-000000000900",
    ]);
    const files = (await readdir(a!.spec.env.PUSHTUNE_CHECKPOINT_DIR!)).sort();
    expect(files).toEqual(active);
    const one = listed.body.checkpoints.find(
      (c) => c.uuid === "aaaaaaaa-0000-4000-8000-000000000300",
    );
    expect(one?.validationMetric).toBe(0.2);
  });

  test("a checkpoint file can be downloaded by a user", async () => {
    tm = await startTestMaster({ slots: 2 });
    await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
    await tm.settle();
    const t = trial(tm, running(tm)[0]!.trialId);
    await checkpoint(t, "cccccccc-0000-4000-8000-000000000001", 7);
    const res = await tm.app.inject({
      method: "GET",
      url: "/api/v1/checkpoints/cccccccc-0000-4000-8000-000000000001/files/weights.bin",
      headers: { authorization: `Bearer ${tm.adminToken}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload).toEqual(Buffer.alloc(16, 7));
    const missing = await tm.admin.get(
      "/checkpoints/cccccccc-0000-4000-8000-000000000001/files/../../etc/passwd",
    );
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
  });

  test("a checkpoint whose uuid is not a UUID is refused: it could name another directory the master deletes", async () => {
    tm = await startTestMaster({ slots: 1 });
    await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
    await tm.settle();
    const t = trial(tm, running(tm)[0]!.trialId);
    for (const uuid of ["pushtune", "checkpoints-of-everyone", "ckpt-1-20-x"]) {
      const res = await t.api.post<{ error?: { message: string } }>("/checkpoints", {
        uuid,
        trialId: t.id,
        stepsCompleted: 1,
        resources: {},
        metadata: {},
      });
      expect(res.status, uuid).toBe(400);
      expect(res.body.error?.message).toContain("uuid");
    }
    expect(await tm.store.listCheckpoints({ trialId: t.id })).toEqual([]);
  });

  test("registering the same checkpoint twice is a no-op; different contents under its uuid is a conflict", async () => {
    tm = await startTestMaster({ slots: 2 });
    await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
    await tm.settle();
    const t = trial(tm, running(tm)[0]!.trialId);
    await checkpoint(t, "dddddddd-0000-4000-8000-000000000001", 5);
    await checkpoint(t, "dddddddd-0000-4000-8000-000000000001", 5);
    const clash = await t.api.post("/checkpoints", {
      uuid: "dddddddd-0000-4000-8000-000000000001",
      trialId: t.id,
      stepsCompleted: 6,
      resources: {},
      metadata: {},
    });
    expect(clash.status).toBe(409);
  });
});

describe("metrics across runs", () => {
  test("a run restarted from a checkpoint hides what the older run reported past it", async () => {
    tm = await startTestMaster({ slots: 2 });
    await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
    await tm.settle();
    const first = trial(tm, running(tm)[0]!.trialId);
    for (const steps of [10, 20, 30, 40]) {
      expect((await first.metrics("training", steps, { loss: steps })).status).toBe(200);
    }
    await checkpoint(first, "eeeeeeee-0000-4000-8000-000000000020", 20);
    await first.exit(1); // crash: a new run starts from the checkpoint at step 20
    const second = trial(tm, first.id);
    expect(second.spec.env.PUSHTUNE_LATEST_CHECKPOINT).toBe("eeeeeeee-0000-4000-8000-000000000020");
    const page = await tm.admin.get<{ metrics: { stepsCompleted: number; runId: number }[] }>(
      `/trials/${first.id}/metrics`,
    );
    expect(page.body.metrics.map((m) => m.stepsCompleted)).toEqual([10, 20]);
    // The new run reports step 30 again, with a different value: not a conflict.
    expect((await second.metrics("training", 30, { loss: 33 })).status).toBe(200);
    // An identical repeat is a no-op; a different value at the same step of the same run is a conflict.
    expect((await second.metrics("training", 30, { loss: 33 })).status).toBe(200);
    const clash = await second.metrics("training", 30, { loss: 34 });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ error: { code: "METRIC_CONFLICT" } });
    // The old run can no longer write at all.
    expect((await first.metrics("training", 50, { loss: 1 })).status).toBe(409);
  });

  test("metric series are read with cursors", async () => {
    tm = await startTestMaster({ slots: 2 });
    await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
    await tm.settle();
    const t = trial(tm, running(tm)[0]!.trialId);
    for (let s = 1; s <= 25; s++) await t.metrics("training", s, { loss: 1 / s });
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = await tm.admin.get<{ metrics: { stepsCompleted: number }[]; next: number }>(
        `/trials/${t.id}/metrics?after=${after}&limit=10`,
      );
      if (page.body.metrics.length === 0) break;
      seen.push(...page.body.metrics.map((m) => m.stepsCompleted));
      after = page.body.next;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });
});
