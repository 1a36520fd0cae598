/** What the end-to-end tests on a Slurm cluster share: a master's launcher and its jobs. */
import { join, resolve } from "node:path";
import { expect } from "vitest";
import type { SlurmLauncherOptions } from "../../../src/master/launcher/slurm/slurm-launcher.js";
import { SlurmLauncher } from "../../../src/master/launcher/slurm/slurm-launcher.js";
import { type MasterProcess, startMasterProcess } from "../../support/master-process.js";
import type { SlurmCluster } from "../../support/slurm-cluster.js";
import { type Cluster, metricsOf } from "./cluster.js";

/** A Slurm launcher of `slots` CPUs on the test cluster, its jobs' files in the master's data dir. */
export function slurmLauncher(
  cluster: () => SlurmCluster,
  slots: number,
  options: Partial<SlurmLauncherOptions> = {},
): (dataDir: string) => SlurmLauncher {
  return (dataDir) =>
    new SlurmLauncher({
      slots,
      jobsDir: join(dataDir, "slurm-jobs"),
      runCommand: cluster().runCommand,
      ...options,
    });
}

/**
 * A master process on `port` whose trials are jobs of the test cluster, on
 * `slots` of it (fixtures/slurm-master.ts), `env` added to its environment:
 * for tests that kill it hard. The caller kills it when done.
 */
export function slurmMasterProcess(
  cluster: SlurmCluster,
  {
    dataDir,
    port,
    slots,
    env = {},
  }: { dataDir: string; port: number; slots: number; env?: NodeJS.ProcessEnv },
): Promise<MasterProcess> {
  return startMasterProcess(dataDir, [], {
    script: [
      resolve(import.meta.dirname, "../fixtures/slurm-master.ts"),
      dataDir,
      String(port),
      String(slots),
    ],
    env: { ...cluster.env, ...env },
  });
}

/** The Slurm job id the master stored for an allocation. */
export async function jobIdOf(c: Cluster, allocationId: string): Promise<string> {
  const a = await c.store.getAllocation(allocationId);
  const jobId = (a?.launcherHandle as { jobId?: string } | null)?.jobId;
  if (!jobId) throw new Error(`allocation ${allocationId} has no Slurm job`);
  return jobId;
}

/**
 * Each run of the trial after the first started from its latest checkpoint:
 * its first training step is the one after the step the previous run stopped
 * at (`stoppedAt`, the checkpoint it took as it stopped) or after an earlier
 * checkpoint (`checkpointed`); no step is reported by two runs.
 */
export async function expectRunsResumedFrom(
  c: Cluster,
  trialId: number,
  resumedAt: (runId: number) => number,
): Promise<void> {
  const training = await metricsOf(c, trialId, "training");
  const runs = [...new Set(training.map((m) => m.runId))].sort((a, b) => a - b);
  for (const run of runs.slice(1)) {
    const first = Math.min(...training.filter((m) => m.runId === run).map((m) => m.stepsCompleted));
    expect(first, `run ${run}'s first step`).toBeGreaterThan(resumedAt(run));
  }
  const steps = training.map((m) => m.stepsCompleted);
  expect(new Set(steps).size, "a step reported twice").toBe(steps.length);
}
