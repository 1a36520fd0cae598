/**
 * A process told there is no next trial for it keeps its slots until it has
 * exited. Killing its experiment stops it too, as it stops the experiment's
 * running trials: its slots go to the trials that wait for them.
 */
import { afterEach, expect, test } from "vitest";
import { randomConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("killing a paused experiment stops its process that was told there is no next trial, and frees its slot", async () => {
  tm = await startTestMaster({ slots: 1, preemptionTimeoutSeconds: 30 });
  const id = await createExperiment(tm, randomConfig(100, 1));
  await createExperiment(tm, randomConfig(100, 1));
  await tm.settle();
  const [spec] = running(tm);
  expect(spec?.experimentId).toBe(id);
  expect((await tm.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
  // Told to stop, it asks for a next trial on its way out: there is none for it.
  const asked = await tm
    .as(spec!.env.PUSHTUNE_TOKEN!)
    .post(`/allocations/${spec!.allocationId}/next_trial`);
  expect(asked.body).toEqual({ env: null });
  await tm.settle();
  // Its process hangs on its way out, holding the one slot.
  expect(tm.launcher.launched).toHaveLength(1);
  expect((await tm.admin.post(`/experiments/${id}/kill`)).status).toBe(200);
  await tm.settle();
  expect(tm.launcher.killed).toEqual([spec!.allocationId]);
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([id, id + 1]);
  expect((await tm.store.getExperiment(id))?.state).toBe("CANCELED");
});
