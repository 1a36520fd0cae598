/**
 * A completion whose answer was lost may be sent again: with the same length
 * and metric it is a no-op whatever the searcher did since (here a custom
 * search already answered it with the trial's next length); with another
 * metric it is 409 naming the metric the master has.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import { customConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { type TrialHandle, trial } from "./support/trial.js";

let tm: TestMaster;
let t: TrialHandle;

beforeEach(async () => {
  tm = await startTestMaster({ slots: 1 });
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: customConfig(),
    workdir: "/tmp",
  });
  const id = created.body.id;
  await tm.settle();
  const post = (lastEventId: number, operations: unknown[]) =>
    tm.admin.post(`/experiments/${id}/searcher/operations`, { lastEventId, operations });
  await post(1, [
    { type: "create", requestId: 1, hparams: { lr: 0.01, layers: 2, opt: "adam" } },
    { type: "validateAfter", requestId: 1, length: 100 },
  ]);
  await tm.settle();
  t = trial(tm, (await tm.store.listTrials({ experimentId: id }))[0]!.id);
  expect((await t.complete(100, 0.5)).status).toBe(200);
  const events = await tm.admin.get<{ events: { id: number; type: string }[] }>(
    `/experiments/${id}/searcher/events?after=1`,
  );
  const validated = events.body.events.find((e) => e.type === "validationCompleted")!;
  await post(validated.id, [{ type: "validateAfter", requestId: 1, length: 200 }]);
});
afterEach(async () => tm.close());

test("a retried completion after the next operation was decided is a no-op answering that operation", async () => {
  const again = await t.complete(100, 0.5);
  expect(again.status).toBe(200);
  expect(again.body).toEqual({ op: { length: 200 }, completed: false });
  expect(await t.op()).toEqual({ op: { length: 200 }, completed: false });
});

test("a completion of a completed length with another metric is refused naming the stored one", async () => {
  const other = await t.api.post<{ error: { code: string; message: string } }>(
    `/trials/${t.id}/searcher/completed_operation`,
    { op: { length: 100 }, searcherMetric: 0.7 },
  );
  expect(other.status).toBe(409);
  expect(other.body.error.code).toBe("OP_MISMATCH");
  expect(other.body.error.message).toBe(
    `trial ${t.id} completed length 100 with searcher metric 0.5, not 0.7`,
  );
  expect(await t.op()).toEqual({ op: { length: 200 }, completed: false });
});
