/**
 * `trial describe` says where a trial's current operation stands: trained by
 * a running process, waiting for a slot, paused with its experiment, or
 * never to be done.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { running } from "../master/support/trial.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { runInProcess } from "./support/fake-io.js";

let m: CliMaster;
let experimentId: number;

beforeAll(async () => {
  m = await startCliMaster({ slots: 1 });
  experimentId = await createExperiment(m.tm, { max_trials: 2, max_concurrent_trials: 2 });
});
afterAll(async () => m?.close());

async function currentOp(trialId: number): Promise<string | undefined> {
  const r = await runInProcess(["trial", "describe", String(trialId)], { env: m.env });
  expect(r.code).toBe(0);
  return r.stdout.split("\n").find((l) => l.startsWith("current op "));
}

test("a running trial's operation is training; one without a slot's is waiting for one", async () => {
  const trials = await m.tm.store.listTrials({ experimentId });
  expect(trials).toHaveLength(2);
  const runningId = running(m.tm)[0]!.trialId;
  const waitingId = trials.find((t) => t.id !== runningId)!.id;
  expect(await currentOp(runningId)).toMatch(/train to [\d,]+ batches \(training\)$/);
  expect(await currentOp(waitingId)).toMatch(/train to [\d,]+ batches \(waiting for a slot\)$/);
});

test("a paused experiment's trials say so", async () => {
  expect((await m.tm.admin.post(`/experiments/${experimentId}/pause`)).status).toBe(200);
  const trials = await m.tm.store.listTrials({ experimentId });
  const waiting = trials.find((t) => !running(m.tm).some((s) => s.trialId === t.id))!;
  expect(await currentOp(waiting.id)).toMatch(/train to 100 batches \(paused\)$/);
});
