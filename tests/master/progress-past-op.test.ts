/**
 * `progress` is the length trained inside the trial's current operation, so at
 * most its length (both SDKs refuse more before sending). A trial that reports
 * more gets a 400 naming it, and nothing of the request is stored: it was
 * kept as the trial's length trained, a length it never trained.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, type TrialHandle, trial } from "./support/trial.js";

let tm: TestMaster;
let t: TrialHandle;
beforeEach(async () => {
  tm = await startTestMaster({ slots: 1 });
  await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
  await tm.settle();
  t = trial(tm, running(tm)[0]!.trialId);
  expect((await t.op()).op).toEqual({ length: 100 });
});
afterEach(async () => tm.close());

type Err = { error: { code: string; message: string } };
const past = `progress: 1000000000000000 is past trial 1's current operation, which trains to length 100`;

test("progress past the operation's length is a 400, and the trial's length trained stays", async () => {
  expect((await t.api.post(`/trials/${t.id}/progress`, { progress: 60 })).status).toBe(200);
  const res = await t.api.post<Err>(`/trials/${t.id}/progress`, { progress: 1e15 });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: "BAD_REQUEST", message: past });
  expect((await tm.store.getTrial(t.id))?.lengthTrained).toBe(60);
  // The operation's own length is inside it.
  expect((await t.api.post(`/trials/${t.id}/progress`, { progress: 100 })).status).toBe(200);
  expect((await tm.store.getTrial(t.id))?.lengthTrained).toBe(100);
});

test("metrics carrying progress past the operation are refused whole: no metric is stored", async () => {
  const res = await t.api.post<Err>(`/trials/${t.id}/metrics`, {
    trialRunId: t.runId,
    reports: [{ group: "training", stepsCompleted: 50, metrics: { loss: 1 } }],
    progress: 1e15,
  });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: "BAD_REQUEST", message: past });
  expect(await tm.store.listMetrics({ trialId: t.id, limit: 10 })).toEqual([]);
  expect((await tm.store.getTrial(t.id))?.lengthTrained).toBe(0);
});

test("after a completed operation, progress up to its length is still taken (a late report)", async () => {
  await t.complete(100, 0.5);
  expect((await t.api.post(`/trials/${t.id}/progress`, { progress: 100 })).status).toBe(200);
  const res = await t.api.post<Err>(`/trials/${t.id}/progress`, { progress: 101 });
  expect(res.status).toBe(400);
});
