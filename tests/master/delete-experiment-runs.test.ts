/**
 * Deleting an ended experiment gives up what its runs left with their
 * launcher (a Slurm job's directory): each run's handle goes to its own
 * pool's launcher, once, and nothing of another experiment's.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("deleting an experiment hands each of its runs' handles to the launcher of its pool", async () => {
  tm = await startTestMaster({
    pools: [
      { name: "cpu", slots: 2 },
      { name: "gpu", slots: 2 },
    ],
  });
  const create = (pool: string) =>
    createExperiment(
      tm,
      ashaConfig({ resources: { resource_pool: pool } }, { max_concurrent_trials: 2 }),
    );
  const doomed = await create("gpu");
  const kept = await create("cpu");
  await tm.settle();
  for (const id of [doomed, kept]) {
    expect((await tm.admin.post(`/experiments/${id}/kill`, {})).status).toBe(200);
  }
  await tm.settle();
  const runs = async (id: number) => {
    const trials = await tm.store.listTrials({ experimentId: id });
    return (await Promise.all(trials.map((t) => tm.store.listAllocations(t.id)))).flat();
  };
  const handles = (await runs(doomed)).map((a) => a.launcherHandle);
  expect(handles.length).toBeGreaterThan(0);

  expect((await tm.admin.del(`/experiments/${doomed}`)).status).toBe(204);
  const gpu = tm.launchers.get("gpu")!;
  expect(gpu.forgotten).toHaveLength(handles.length);
  expect(gpu.forgotten).toEqual(expect.arrayContaining(handles));
  expect(tm.launchers.get("cpu")!.forgotten).toEqual([]);
  expect((await runs(kept)).length).toBeGreaterThan(0);
});
