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

test("a completion that leaves a trial waiting for a promotion answers no decision yet", async () => {
  const [t] = await trials(ashaConfig());
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
