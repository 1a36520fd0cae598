/**
 * A master with two resource pools, one local and one on a real Slurm
 * cluster of one, configured by a master config file as a user writes it:
 * two experiments run at once, one in each pool, each trial where its
 * experiment's pool runs them (child processes of the master, `sbatch` jobs).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { ResourcePoolList } from "../../src/protocol/api/resource-pools.js";
import { slurmClusterForFile } from "../support/slurm-cluster.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  clustersClosedAfterEach,
  createExperiment,
  trialDetails,
  waitFor,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticRandomSearch } from "./support/configs.js";

const slurm = slurmClusterForFile();
const startCluster = clustersClosedAfterEach();

test("a local pool and a Slurm pool run an experiment each, at the same time", async () => {
  const c = await startCluster({
    slots: 2,
    flags: (dataDir) => {
      const file = join(dataDir, "master.yaml");
      writeFileSync(
        file,
        `resource_pools:
  - {name: local, launcher: local, slots: 2}
  - {name: hpc, launcher: slurm, slots: 2, partition: debug, time_limit: "10:00"}
`,
      );
      return { config: file, runSlurmCommand: slurm().runCommand };
    },
  });
  // Every trial waits at this gate, so both experiments are seen running before either ends.
  const gate = join(c.dataDir, "go");
  const gated = (name: string, pool: string) => ({
    ...syntheticRandomSearch(name, { trials: 2, concurrent: 2, length: 20 }),
    entrypoint: `while [ ! -e ${gate} ]; do sleep 0.1; done; node train.js`,
    resources: { resource_pool: pool },
  });
  const onSlurm = await createExperiment(c, gated("on-slurm", "hpc"), SYNTHETIC_DIR);
  const onLocal = await createExperiment(c, gated("on-local", "local"), SYNTHETIC_DIR);

  const pools = await waitFor("both pools to run their experiment's two trials", async () => {
    const { resourcePools } = await c.api<ResourcePoolList>("GET", "/resource-pools");
    const running = (name: string) =>
      resourcePools.find((p) => p.name === name)!.trials.filter((t) => t.state === "RUNNING");
    return running("local").length === 2 && running("hpc").length === 2 ? resourcePools : null;
  });
  expect(pools.map((p) => [p.name, p.launcher, p.slotsUsed, p.slotsTotal])).toEqual([
    ["local", "local", 2, 2],
    ["hpc", "slurm", 2, 2],
  ]);
  expect(pools[0]!.trials.map((t) => t.experimentId)).toEqual([onLocal, onLocal]);
  expect(pools[1]!.trials.map((t) => t.experimentId)).toEqual([onSlurm, onSlurm]);
  // The Slurm pool's trials are jobs (queued or running) named for their experiment, trial and run.
  const jobs = await slurm().slurm("squeue", "--me", "-h", "-o", "%j");
  expect(jobs.trim().split("\n").sort()).toEqual(
    pools[1]!.trials.map((t) => `pushtune-${onSlurm}-${t.trialId}-1`).sort(),
  );

  writeFileSync(gate, "");
  expect(await waitForEnd(c, onSlurm)).toBe("COMPLETED");
  expect(await waitForEnd(c, onLocal)).toBe("COMPLETED");
  for (const [id, pool, handle] of [
    [onSlurm, "hpc", "jobId"],
    [onLocal, "local", "pid"],
  ] as const) {
    for (const t of await trialDetails(c, id)) {
      expect(t.state).toBe("COMPLETED");
      for (const a of await c.store.listAllocations(t.id)) {
        expect(a.resourcePool).toBe(pool);
        expect(a.launcherHandle).toHaveProperty(handle);
      }
    }
  }
}, 240_000);
