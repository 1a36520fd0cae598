/**
 * A trial's runs all write to its one log: where a restarted, resumed or
 * relaunched run begins is marked by a line of the master's, which names the
 * checkpoint it starts from (the earlier runs may have printed the same lines,
 * a traceback each). A trial's first run has no such line.
 */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
beforeEach(async () => {
  tm = await startTestMaster({ slots: 1 });
});
afterEach(async () => tm.close());

const masterLines = async (trialId: number) =>
  (await tm.store.listLogs({ trialId, limit: 100 }))
    .filter((l) => l.stream === "master")
    .map((l) => l.line);

test("each run after the first begins with a line naming what it starts from", async () => {
  const id = await createExperiment(tm, singleConfig("runs"));
  await tm.settle();
  const first = running(tm)[0]!;
  expect(await masterLines(first.trialId)).toEqual([]);

  // Run 1 crashes before any checkpoint: run 2 starts from scratch.
  tm.launcher.exit(first.allocationId, { exitCode: 1 });
  await tm.settle();
  const second = trial(tm, first.trialId);
  const uuid = "cccccccc-0000-4000-8000-000000000004";
  await second.storeCheckpoint(uuid, 4);

  // Run 2 crashes after its checkpoint: run 3 starts from it.
  tm.launcher.exit(second.spec.allocationId, { exitCode: 1 });
  await tm.settle();
  const third = trial(tm, first.trialId);
  expect(third.spec.allocationId).not.toBe(second.spec.allocationId);
  // The master's lines reach the store as the trials' do, in batches.
  await vi.waitFor(async () =>
    expect(await masterLines(first.trialId)).toEqual([
      "run 2 starts from scratch",
      `run 3 starts from checkpoint ${uuid} (length 4)`,
    ]),
  );
  const marks = (await tm.store.listLogs({ trialId: first.trialId, limit: 100 })).filter(
    (l) => l.stream === "master",
  );
  expect(marks.map((l) => l.allocationId)).toEqual([
    second.spec.allocationId,
    third.spec.allocationId,
  ]);
  expect((await tm.store.getExperiment(id))?.state).toBe("ACTIVE");
});
