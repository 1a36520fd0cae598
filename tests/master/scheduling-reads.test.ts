/**
 * A scheduling pass reads the trials it can decide on (those with an
 * operation to run and those holding slots), not every active trial: an
 * ASHA search keeps most of its trials active, waiting for a promotion
 * without a slot, and a pass that read them all would cost more with each
 * trial the search adds (and the search's every handover with it).
 */
import { afterEach, expect, test } from "vitest";
import type { TrialFilter, TrialStub } from "../../src/master/storage/store.js";
import { ashaConfig, syntheticLoss } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { TrialPlayer } from "./support/trial-player.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("a pass reads the trials with an operation or a slot, not those waiting for a promotion", async () => {
  tm = await startTestMaster({ slots: 2 });
  const id = await createExperiment(
    tm,
    ashaConfig({}, { max_trials: 40, max_concurrent_trials: 2, num_rungs: 3, divisor: 3 }),
  );
  const player = new TrialPlayer(tm, syntheticLoss);
  const idle = async () => {
    const active = await tm.store.listTrials({ experimentId: id, states: ["ACTIVE"] });
    const open = new Set((await tm.store.listNextTrialOps(id)).map((o) => o.trialId));
    const holding = new Set([...tm.launcher.live.values()].map((s) => s.trialId));
    return active.filter((t) => !open.has(t.id) && !holding.has(t.id)).length;
  };
  while ((await idle()) < 15) {
    await player.advance();
  }

  const read: TrialStub[] = [];
  const listTrialStubs = tm.store.listTrialStubs.bind(tm.store);
  tm.store.listTrialStubs = async (filter: TrialFilter) => {
    const rows = await listTrialStubs(filter);
    read.push(...rows);
    return rows;
  };
  const passes = tm.master.supervisor.passesRun;
  tm.master.supervisor.schedule();
  await tm.settle();
  expect(tm.master.supervisor.passesRun).toBe(passes + 1);
  const open = new Set((await tm.store.listNextTrialOps(id)).map((o) => o.trialId));
  const holding = new Set([...tm.launcher.live.values()].map((s) => s.trialId));
  expect(read.length).toBeGreaterThan(0);
  expect(read.every((t) => open.has(t.id) || holding.has(t.id))).toBe(true);

  // The search goes on to the end as before.
  tm.store.listTrialStubs = listTrialStubs;
  expect(await player.run(id)).toBe("COMPLETED");
});
