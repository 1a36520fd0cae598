/**
 * `trials()`: the synthetic example runs trial after trial in one process,
 * asking the master for the next when one is done. The same random search
 * run by the core-API example (a process per trial) ends with the same
 * trials and metrics, while the synthetic one starts a process per slot.
 */
import { expect, test } from "vitest";
import { CORE_API_DIR, SYNTHETIC_DIR } from "./support/build.js";
import {
  clustersClosedAfterEach,
  createExperiment,
  logsOf,
  processesOf,
  searchResult,
  trialDetails,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticRandomSearch } from "./support/configs.js";

const startCluster = clustersClosedAfterEach();

const randomSearch = syntheticRandomSearch("trial-after-trial", {
  trials: 6,
  concurrent: 2,
  length: 40,
});

test("one process per slot runs a whole random search, with the results of a process per trial", async () => {
  const cluster = await startCluster({ slots: 2 });
  const c = cluster;
  const reused = await createExperiment(c, randomSearch, SYNTHETIC_DIR);
  expect(await waitForEnd(c, reused)).toBe("COMPLETED");
  const separate = await createExperiment(c, randomSearch, CORE_API_DIR);
  expect(await waitForEnd(c, separate)).toBe("COMPLETED");

  expect(await searchResult(c, reused)).toEqual(await searchResult(c, separate));
  expect((await processesOf(c, reused)).size).toBe(2);
  expect((await processesOf(c, separate)).size).toBe(6);

  const pids = new Set<number | null>();
  for (const t of await trialDetails(c, reused)) {
    // The API names each run's pool and process: two pids for six trials, no Slurm job.
    for (const a of t.allocations) {
      expect([a.resourcePool, a.slurmJobId]).toEqual(["default", null]);
      pids.add(a.pid);
    }
    expect(t.state).toBe("COMPLETED");
    expect(t.restarts).toBe(0);
    expect(t.allocations.map((a) => a.exitReason)).toEqual([
      "completed (its process asked for the next trial)",
    ]);
    // Each trial's logs are its own, though its process ran others before or after it.
    const ends = (await logsOf(c, t.id)).filter((l) => /^pushtune: trial \d+ /.test(l));
    expect(ends).toEqual([`pushtune: trial ${t.id} completed after 40 batches`]);
  }
  expect([...pids].every((pid) => Number.isInteger(pid))).toBe(true);
  expect(pids.size).toBe(2);
}, 120_000);
