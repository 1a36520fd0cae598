/**
 * A search that fails (here a custom search method that shuts down with
 * failure) has no use for its trials: their processes are stopped at once,
 * as a kill stops them, and the experiment ends ERROR without waiting for
 * their operations to finish.
 */
import { afterEach, expect, test } from "vitest";
import { customConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm.close());

test("a search shut down as failed kills its running trials and ends ERROR", async () => {
  tm = await startTestMaster({ slots: 4 });
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: customConfig(),
    workdir: "/tmp",
  });
  const id = created.body.id;
  await tm.settle();
  const post = (lastEventId: number, operations: unknown[]) =>
    tm.admin.post(`/experiments/${id}/searcher/operations`, { lastEventId, operations });
  const hp = { lr: 0.01, layers: 2, opt: "adam" };
  await post(1, [
    { type: "create", requestId: 1, hparams: hp },
    { type: "validateAfter", requestId: 1, length: 1000 },
    { type: "create", requestId: 2, hparams: hp },
    { type: "validateAfter", requestId: 2, length: 1000 },
  ]);
  await tm.settle();
  const live = running(tm);
  expect(live).toHaveLength(2);
  const events = await tm.admin.get<{ events: { id: number }[] }>(
    `/experiments/${id}/searcher/events?after=0`,
  );
  const last = events.body.events.at(-1)!.id;
  expect((await post(last, [{ type: "shutdown", failure: true }])).status).toBe(200);
  await tm.settle();
  expect([...tm.launcher.killed].sort()).toEqual(live.map((s) => s.allocationId).sort());
  expect(running(tm)).toEqual([]);
  const exp = await tm.store.getExperiment(id);
  expect(exp?.state).toBe("ERROR");
  expect(exp?.endReason).toBe("the search method shut the search down as failed");
});
