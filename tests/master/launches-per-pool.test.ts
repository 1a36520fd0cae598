/**
 * A launch can take a while (`sbatch` waits and tries again while Slurm's
 * controller is out of reach). It holds up only what must come after it: the
 * later launches of its own pool, which keep the order the scheduler gave
 * them. Other pools' trials start meanwhile, and the master goes on reading
 * exits and scheduling.
 */
import { afterEach, expect, test, vi } from "vitest";
import type { FakeLauncher } from "../../src/master/launcher/fake-launcher.js";
import { randomConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
let release: () => void = () => {};
afterEach(async () => {
  release();
  await tm?.close();
});

/** The pool's launches wait until `release()`; returns the trials asked for, in order. */
function slowLaunches(launcher: FakeLauncher): number[] {
  const asked: number[] = [];
  const gate = new Promise<void>((r) => (release = r));
  const launch = launcher.launch.bind(launcher);
  launcher.launch = async (spec) => {
    asked.push(spec.trialId);
    await gate;
    return launch(spec);
  };
  return asked;
}

function inPool(pool: string, concurrent: number) {
  return { ...randomConfig(100, concurrent), resources: { resource_pool: pool } };
}

async function startTwoPools() {
  tm = await startTestMaster({
    pools: [
      { name: "slurm", slots: 2 },
      { name: "local", slots: 2 },
    ],
  });
  return { slurm: tm.launchers.get("slurm")!, local: tm.launchers.get("local")! };
}

test("a launch that waits in one pool does not hold up the launches of another", async () => {
  const { slurm, local } = await startTwoPools();
  const asked = slowLaunches(slurm);
  await createExperiment(tm, inPool("slurm", 2));
  await createExperiment(tm, inPool("local", 2));
  await vi.waitFor(() => expect(local.launched).toHaveLength(2));
  expect(asked).toHaveLength(1);
  expect(slurm.launched).toHaveLength(0);
  release();
  await tm.settle();
  expect(slurm.launched).toHaveLength(2);
});

test("the launches of one pool keep the scheduler's order, one at a time", async () => {
  const { slurm } = await startTwoPools();
  const asked = slowLaunches(slurm);
  const id = await createExperiment(tm, inPool("slurm", 2));
  await vi.waitFor(() => expect(asked).toHaveLength(1));
  // Nothing of the pool goes ahead of a launch under way.
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  expect(asked).toHaveLength(1);
  release();
  await tm.settle();
  const trials = await tm.store.listTrials({ experimentId: id });
  const queued = trials.sort((a, b) => a.requestId - b.requestId).map((t) => t.id);
  expect(asked).toEqual(queued);
  expect(slurm.launched.map((s) => s.trialId)).toEqual(queued);
  // Each trial once: one run, launched once.
  expect(trials.map((t) => t.runId)).toEqual([1, 1]);
});

test("exits are read and trials started while a launch of another pool waits", async () => {
  const { slurm, local } = await startTwoPools();
  slowLaunches(slurm);
  await createExperiment(tm, inPool("slurm", 1));
  await createExperiment(tm, inPool("local", 1));
  await vi.waitFor(() => expect(local.launched).toHaveLength(1));
  local.exit(local.launched[0]!.allocationId, { exitCode: 1 });
  // Its end read, its trial is started again.
  await vi.waitFor(() => expect(local.launched).toHaveLength(2));
  const first = await tm.store.getAllocation(local.launched[0]!.allocationId);
  expect(first?.state).toBe("TERMINATED");
  expect(slurm.launched).toHaveLength(0);
});
