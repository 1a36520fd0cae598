/**
 * `POST …/searcher/completed_operation` answers what asking for the next
 * operation at once would: the trial's next op, its end, or no decision yet.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

async function trials(config: Record<string, unknown>, slots = 1) {
  tm = await startTestMaster({ slots });
  const res = await tm.admin.post("/experiments", { config, workdir: "/tmp" });
  expect(res.status).toBe(201);
  await tm.settle();
  return running(tm).map((spec) => new TrialHandle(tm, spec));
}

test("a completion that closes the trial answers completed, also when it is retried", async () => {
  const { searcher } = ashaConfig();
  const [t] = await trials({
    ...ashaConfig(),
    searcher: { name: "single", metric: searcher.metric, max_length: { batches: 50 } },
  });
  if (!t) throw new Error("no trial running");
  const done = await t.complete(50, 0.25);
  expect(done).toEqual({ status: 200, body: { op: null, completed: true } });
  expect(await t.complete(50, 0.25)).toEqual(done);
});

test("a completion that leaves a trial waiting for a promotion, with nobody waiting for its slot, answers no decision yet", async () => {
  const [t] = await trials(ashaConfig({}, { max_trials: 3 }), 3);
  if (!t) throw new Error("no trial running");
  const done = await t.complete(100, 0.5);
  expect(done).toEqual({ status: 200, body: { op: null, completed: false } });
});

test("a completion with more to train answers the next operation", async () => {
  const config = ashaConfig({}, { num_rungs: 2, max_trials: 3, max_concurrent_trials: 3 });
  const [a, b, c] = await trials(config, 3);
  if (!a || !b || !c) throw new Error("three trials should run");
  await a.complete(300, 0.9);
  await b.complete(300, 0.8);
  // The last of the rung, and its best: promoted at once to the top rung.
  expect(await c.complete(300, 0.1)).toEqual({
    status: 200,
    body: { op: { length: 900 }, completed: false },
  });
});

test("a completion may carry the metrics push before it: stored first, in the same request", async () => {
  const [t] = await trials(ashaConfig({}, { max_trials: 3 }), 3);
  if (!t) throw new Error("no trial running");
  const metrics = {
    trialRunId: t.runId,
    reports: [
      { group: "training", stepsCompleted: 100, metrics: { loss: 0.7 } },
      { group: "validation", stepsCompleted: 100, metrics: { validation_loss: 0.5 } },
    ],
  };
  const done = await t.api.post(`/trials/${t.id}/searcher/completed_operation`, {
    op: { length: 100 },
    searcherMetric: 0.5,
    metrics,
  });
  expect(done).toEqual({ status: 200, body: { op: null, completed: false } });
  const stored = await tm.store.listMetrics({ trialId: t.id, limit: 10 });
  expect(stored.map((m) => [m.group, m.stepsCompleted])).toEqual([
    ["training", 100],
    ["validation", 100],
  ]);
  const trial = await tm.store.getTrial(t.id);
  expect(trial).toMatchObject({ latestValidation: 0.5, bestValidation: 0.5 });
  // The retry of a request that landed is a no-op.
  expect(
    await t.api.post(`/trials/${t.id}/searcher/completed_operation`, {
      op: { length: 100 },
      searcherMetric: 0.5,
      metrics,
    }),
  ).toMatchObject(done);
});

test("a completion whose metrics conflict with stored ones is refused whole", async () => {
  const [t] = await trials(ashaConfig());
  if (!t) throw new Error("no trial running");
  expect((await t.metrics("validation", 100, { validation_loss: 0.5 })).status).toBe(200);
  const refused = await t.api.post<{ error: { code: string } }>(
    `/trials/${t.id}/searcher/completed_operation`,
    {
      op: { length: 100 },
      searcherMetric: 0.4,
      metrics: {
        trialRunId: t.runId,
        reports: [{ group: "validation", stepsCompleted: 100, metrics: { validation_loss: 0.4 } }],
      },
    },
  );
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe("METRIC_CONFLICT");
  // The operation is still open.
  expect(await t.op()).toEqual({ op: { length: 100 }, completed: false });
});

test("a metrics push may carry progress, applied after its reports", async () => {
  const [t] = await trials(ashaConfig());
  if (!t) throw new Error("no trial running");
  const res = await t.api.post(`/trials/${t.id}/metrics`, {
    trialRunId: t.runId,
    reports: [{ group: "training", stepsCompleted: 40, metrics: { loss: 0.9 } }],
    progress: 40,
  });
  expect(res).toEqual({ status: 200, body: { inserted: 1 } });
  expect(await tm.store.getTrial(t.id)).toMatchObject({ lengthTrained: 40 });
  const exp = await tm.store.getExperiment(t.spec.experimentId);
  expect(exp?.progress).toBeGreaterThan(0);
});
