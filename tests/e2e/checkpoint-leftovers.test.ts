/**
 * A trial killed while it writes a checkpoint (out of memory, a time limit, a
 * preemption that timed out) leaves the files it wrote; one killed between
 * publishing a checkpoint and reporting it leaves a checkpoint the master
 * never heard of. Checkpoints are large: once the process is gone, the master
 * removes both, and deleting the experiment removes what any of its runs left.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { expect, test } from "vitest";
import { PUBLISHED_SUFFIX, STAGING_DIR } from "../../src/protocol/checkpoint-layout.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  checkpointsOf,
  clustersClosedAfterEach,
  createExperiment,
  logsOf,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { batches, syntheticConfig, withChanges } from "./support/configs.js";

const STUCK_TRIAL = resolve(import.meta.dirname, "fixtures/stuck-checkpoint-trial.mjs");
const startCluster = clustersClosedAfterEach();

test("what a killed trial left half-written or never reported is removed once its process is gone, and the rest with its experiment", async () => {
  const c = await startCluster({ slots: 1 });
  const config = withChanges(syntheticConfig("const.yaml"), {
    entrypoint: `node ${STUCK_TRIAL}`,
    hyperparameters: { lr: 0.01, hidden: 128, optimizer: "adam", sleep_ms: 0 },
    searcher: { max_length: batches(120) },
    min_validation_period: batches(40),
    min_checkpoint_period: batches(40),
    checkpoint_policy: "all",
    max_restarts: 1,
  });
  const id = await createExperiment(c, config, SYNTHETIC_DIR);
  const root = c.checkpointRoot;

  // Run 1 is writing its second checkpoint, and will never finish it.
  await waitFor(
    "a checkpoint half-written",
    async () => {
      const logs = await logsOf(c, 1).catch(() => []);
      return logs.some((l) => l.startsWith("writing a checkpoint in")) || null;
    },
    60,
    20,
  );
  const [trial] = await trialDetails(c, id);
  const run1 = trial!.allocations[0]!;
  const staging = join(root, STAGING_DIR, run1.id);
  const writing = (await readdir(staging)).filter((n) => !n.endsWith(PUBLISHED_SUFFIX));
  expect(writing).toHaveLength(1);
  expect(await readdir(join(staging, writing[0]!))).toEqual(["half.bin"]);
  // As if the process had just published one more and was killed before its report went out.
  const unreported = "00000000-0000-4000-8000-00000000beef";
  await mkdir(join(root, unreported));
  await writeFile(join(root, unreported, "weights.bin"), "w");
  await writeFile(join(staging, `${unreported}${PUBLISHED_SUFFIX}`), "");

  const pid = ((await c.store.getAllocation(run1.id))!.launcherHandle as { pid: number }).pid;
  process.kill(-pid, "SIGKILL");
  expect(await waitForEnd(c, id)).toBe("COMPLETED");
  const [t] = await trialDetails(c, id);
  expect(t!.allocations.map((a) => [a.runId, a.exitReason])).toEqual([
    [1, "crashed (killed by SIGKILL)"],
    [2, "completed (exit code 0)"],
  ]);

  // Only the registered checkpoints are left; the staging folders are gone.
  const registered = (await checkpointsOf(c, t!.id)).map((k) => k.uuid);
  expect(registered.length).toBeGreaterThan(0);
  await waitFor(
    "the staging folders removed",
    async () => ((await readdir(join(root, STAGING_DIR))).length === 0 ? true : null),
    10,
    20,
  );
  expect((await readdir(root)).filter((n) => n !== STAGING_DIR).sort()).toEqual(
    [...registered].sort(),
  );

  // A run the master lost sight of leaves its staging folder until the experiment goes.
  await mkdir(join(staging, "11111111-2222-4333-8444-555555555555"), { recursive: true });
  await c.api("DELETE", `/experiments/${id}`);
  expect(await readdir(join(root, STAGING_DIR))).toEqual([]);
  expect(await readdir(root)).toEqual([STAGING_DIR]);
}, 120_000);
