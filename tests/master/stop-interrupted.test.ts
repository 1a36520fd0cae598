/**
 * A master that dies right after a pause, cancel or kill was stored, before
 * it told the running trials: the master started again adopts the trials
 * that still run (as it does Slurm jobs) and tells them then, so the
 * experiment is paused or ends as it would have without the restart, rather
 * than leave them running on under an experiment that has stopped.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { customSearchWithTrials } from "./support/custom-search.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test.each([
  ["pause", "PAUSED"],
  ["cancel", "CANCELED"],
  ["kill", "CANCELED"],
] as const)(
  "a %s the master died before telling the trials reaches them after a restart",
  async (action, end) => {
    tm = await startTestMaster({ slots: 2, adopts: true });
    const id = await createExperiment(tm, ashaConfig());
    await tm.settle();
    const specs = running(tm);
    expect(specs).toHaveLength(2);
    const die = async () => {
      throw new Error("the master died");
    };
    tm.master.supervisor.requestPreemption = die;
    tm.master.supervisor.kill = die;
    expect((await tm.admin.post(`/experiments/${id}/${action}`)).status).toBe(500);

    await tm.restart();
    expect([...tm.launcher.recovered].sort()).toEqual(specs.map((s) => s.allocationId).sort());
    if (action === "kill") {
      expect([...tm.launcher.killed].sort()).toEqual(specs.map((s) => s.allocationId).sort());
    } else {
      for (const s of specs) {
        const t = new TrialHandle(tm, s);
        expect(await t.preempted()).toBe(true);
        await t.ackAndExit();
      }
    }
    await tm.settle();
    expect((await tm.store.getExperiment(id))?.state).toBe(end);
    expect(await tm.store.listLiveAllocations({ experimentId: id })).toEqual([]);
  },
);

test("a custom search shut down with cancel leaves its trials their operations across a restart", async () => {
  tm = await startTestMaster({ slots: 2, adopts: true });
  const { id, post } = await customSearchWithTrials(tm, 2, 100);
  const specs = running(tm);
  await post([{ type: "shutdown", cancel: true }]);
  await tm.settle();
  expect((await tm.store.getExperiment(id))?.state).toBe("STOPPING_CANCELED");

  await tm.restart();
  expect([...tm.launcher.recovered].sort()).toEqual(specs.map((s) => s.allocationId).sort());
  expect(tm.launcher.killed).toEqual([]);
  for (const s of specs) {
    const t = new TrialHandle(tm, s);
    expect(await t.preempted()).toBe(false);
    expect((await t.complete(100, 0.5)).status).toBe(200);
    await t.exit(0);
  }
  await tm.settle();
  expect((await tm.store.getExperiment(id))?.state).toBe("CANCELED");
  const trials = await tm.store.listTrials({ experimentId: id });
  expect(trials.map((t) => t.completedLength)).toEqual([100, 100]);
});
