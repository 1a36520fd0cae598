/**
 * The resource pools of a master config, each with its launcher: a local
 * pool runs child processes, a Slurm pool submits `sbatch` jobs.
 */
import { join } from "node:path";
import { DEFAULT_WARNING_SECONDS, type PoolConfig } from "../config/master-config.js";
import type { Launcher } from "./launcher.js";
import { LocalLauncher } from "./local-launcher.js";
import { type ResourcePool, ResourcePools } from "./resource-pools.js";
import { type CommandRunner, execRunner } from "./slurm/command-runner.js";
import { SlurmQueue } from "./slurm/job-queue.js";
import { SlurmLauncher } from "./slurm/slurm-launcher.js";

export interface PoolLauncherOptions {
  /** Where a Slurm pool without a `jobs_dir` keeps its jobs' files: `<dataDir>/slurm-jobs/<pool>`. */
  dataDir: string;
  /** Slots of the default (first) pool, over the config's (`--slots`). */
  defaultSlots?: number;
  /** Runs the default pool's trials instead of the launcher its config names. */
  defaultLauncher?: Launcher;
  /** Runs Slurm's commands (default: child processes with the master's environment). */
  runSlurmCommand?: CommandRunner;
}

export function buildResourcePools(
  configs: readonly PoolConfig[],
  options: PoolLauncherOptions,
): ResourcePools {
  // One squeue for all Slurm pools: each reads its own jobs from the shared answer.
  const runSlurm = options.runSlurmCommand ?? execRunner();
  const queue = new SlurmQueue(runSlurm);
  const pools = configs.map((config, i): ResourcePool => {
    const isDefault = i === 0;
    const slots = (isDefault ? options.defaultSlots : undefined) ?? config.slots;
    const given = isDefault ? options.defaultLauncher : undefined;
    if (given)
      return {
        name: config.name,
        kind: given.kind ?? config.launcher,
        slotType: "cpu",
        launcher: given,
      };
    if (config.launcher === "local") {
      const launcher = new LocalLauncher(slots === undefined ? {} : { slots });
      return { name: config.name, kind: "local", slotType: "cpu", launcher };
    }
    const warningSeconds = config.warning_seconds ?? DEFAULT_WARNING_SECONDS;
    const launcher = new SlurmLauncher({
      slots: slots ?? config.slots,
      jobsDir: config.jobs_dir ?? join(options.dataDir, "slurm-jobs", config.name),
      slotType: config.slot_type,
      ...(config.partition ? { partition: config.partition } : {}),
      ...(config.account ? { account: config.account } : {}),
      ...(config.qos ? { qos: config.qos } : {}),
      ...(config.time_limit ? { timeLimit: config.time_limit } : {}),
      ...(config.sbatch_args ? { sbatchArgs: config.sbatch_args } : {}),
      warningSeconds,
      runCommand: runSlurm,
      queue,
    });
    return {
      name: config.name,
      kind: "slurm",
      slotType: config.slot_type,
      launcher,
      warningSeconds,
    };
  });
  return new ResourcePools(pools);
}
