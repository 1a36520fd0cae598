/**
 * A run that could not be launched because the cluster was out of reach
 * (Slurm's controller down) is lost, not failed: its trial starts again
 * without counting a restart, but not at once. Each new try waits twice as
 * long as the one before, from 1 s up to 60 s, so an outage costs a few
 * tries and log lines rather than one every few seconds; a run that starts
 * ends the waits. A restarted master goes on waiting from where the runs
 * stored say it was, instead of trying every trial again at once.
 */
import { afterEach, expect, test, vi } from "vitest";
import { ClusterUnreachableError } from "../../src/master/launcher/launcher.js";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => {
  vi.useRealTimers();
  await tm?.close();
});

/** The default pool's launches refuse while `out()` says the cluster is out of reach; counts tries. */
function cluster(t: TestMaster, out: () => boolean) {
  const tries = { count: 0 };
  const launch = t.launcher.launch.bind(t.launcher);
  t.launcher.launch = async (spec) => {
    tries.count++;
    // A bound, so that a master that tries again at once still gets a slot in the end.
    if (out() && tries.count < 50)
      throw new ClusterUnreachableError("sbatch: Unable to contact slurm controller");
    return launch(spec);
  };
  return tries;
}

async function advance(ms: number) {
  await vi.advanceTimersByTimeAsync(ms);
  await tm.settle();
}

/** A master of one slot whose launches refuse while `out()` says so, and a single-trial experiment. */
async function refusedAtStart(out: () => boolean) {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  tm = await startTestMaster({ slots: 1 });
  const tries = cluster(tm, out);
  const id = await createExperiment(tm, singleConfig("unreachable"));
  await tm.settle();
  return { tries, id };
}

test("a trial whose launches cannot reach the cluster tries again after 1 s, 2 s, 4 s … at most 60 s apart, with no restart counted", async () => {
  let down = true;
  const { tries, id } = await refusedAtStart(() => down);
  expect(tries.count).toBe(1);
  // Each wait, and the try at its end.
  for (const [i, wait] of [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000].entries()) {
    await advance(wait - 1);
    expect(tries.count).toBe(i + 1);
    await advance(1);
    expect(tries.count).toBe(i + 2);
  }
  const [trial] = await tm.store.listTrials({ experimentId: id });
  expect(trial?.restarts).toBe(0);
  const logs = await tm.store.listLogs({ trialId: trial!.id, limit: 100 });
  expect(logs.filter((l) => l.line.startsWith("could not start:"))).toHaveLength(9);
  down = false;
  await advance(60_000);
  expect(tm.launcher.launched).toHaveLength(1);
});

test("a run that starts ends the waits: the next lost launch waits 1 s again", async () => {
  let down = true;
  const { tries } = await refusedAtStart(() => down);
  await advance(1_000);
  await advance(2_000);
  expect(tries.count).toBe(3);
  down = false;
  await advance(4_000);
  expect(tries.count).toBe(4);
  const [spec] = tm.launcher.launched;
  // Its job vanished: the trial starts again, and the cluster is out of reach once more.
  down = true;
  tm.launcher.exit(spec!.allocationId, { exitCode: null, lost: true });
  await tm.settle();
  expect(tries.count).toBe(5);
  await advance(999);
  expect(tries.count).toBe(5);
  await advance(1);
  expect(tries.count).toBe(6);
});

test("a restarted master goes on waiting before it tries again a trial whose launches could not reach the cluster", async () => {
  const { tries } = await refusedAtStart(() => true);
  await advance(1_000);
  await advance(2_000);
  expect(tries.count).toBe(3);
  // Three lost launches in a row: the next waits 4 s, 1 s of which has passed.
  await advance(1_000);
  await tm.restart();
  const again = cluster(tm, () => true);
  expect(again.count).toBe(0);
  await advance(2_999);
  expect(again.count).toBe(0);
  await advance(1);
  expect(again.count).toBe(1);
  // And on from there: 8 s.
  await advance(7_999);
  expect(again.count).toBe(1);
  await advance(1);
  expect(again.count).toBe(2);
});
