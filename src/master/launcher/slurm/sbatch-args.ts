/**
 * The `sbatch` command line of an allocation's job. It carries no secret:
 * the trial's own variables come from the job's 0600 file, so `ps` and
 * `squeue` show nothing a trial must keep to itself. The job starts with
 * `sbatch`'s environment (`--export=ALL`), which the launcher gives only
 * what a trial inherits (PATH, HOME, locale: `inheritedEnv`) and Slurm's
 * settings. Not `--export=NONE` nor a list of names: with those, slurmd
 * loads the user's login environment (`su -`) before every job, which
 * delays each start by seconds.
 */
import type { SlurmResourcesConfig } from "../../../protocol/config/slurm-resources.js";
import { DEFAULT_WARNING_SECONDS } from "../../config/master-config.js";
import type { LaunchSpec } from "../launcher.js";
import type { JobFiles } from "./job-files.js";

/** What the pool asks of Slurm for every job; an experiment's `resources.slurm` goes over it. */
export interface SlurmPoolSettings {
  /** What a slot is: `--cpus-per-task` (default) or `--gres=gpu:N`. */
  slotType?: "cpu" | "gpu";
  partition?: string;
  account?: string;
  qos?: string;
  /** `sbatch --time`, as Slurm reads it ("4:00:00", "2-00:00:00"). */
  timeLimit?: string;
  /** More `sbatch` options, passed as they are. */
  sbatchArgs?: readonly string[];
  /** Seconds before its time limit a job's trial is sent SIGTERM to checkpoint (default 60). */
  warningSeconds?: number;
}

/** `pushtune-<experiment>-<trial>-<run>`: what people see in `squeue`. */
export function jobName(spec: LaunchSpec): string {
  return `pushtune-${spec.experimentId}-${spec.trialId}-${spec.env.PUSHTUNE_TRIAL_RUN_ID ?? "0"}`;
}

/** The experiment's `resources.slurm`, from the config every trial is given. */
function experimentSettings(spec: LaunchSpec): SlurmResourcesConfig {
  try {
    const config = JSON.parse(spec.env.PUSHTUNE_EXPERIMENT_CONFIG ?? "{}") as {
      resources?: { slurm?: SlurmResourcesConfig };
    };
    return config.resources?.slurm ?? {};
  } catch {
    return {};
  }
}

export function sbatchArgs(spec: LaunchSpec, files: JobFiles, pool: SlurmPoolSettings): string[] {
  const exp = experimentSettings(spec);
  const partition = exp.partition ?? pool.partition;
  const account = exp.account ?? pool.account;
  const qos = exp.qos ?? pool.qos;
  const time = exp.time_limit ?? pool.timeLimit;
  return [
    "--parsable",
    `--job-name=${jobName(spec)}`,
    `--chdir=${spec.workdir}`,
    `--output=${files.stdout}`,
    `--error=${files.stderr}`,
    "--open-mode=append",
    "--export=ALL",
    "--nodes=1",
    "--ntasks=1",
    pool.slotType === "gpu" ? `--gres=gpu:${spec.slots}` : `--cpus-per-task=${spec.slots}`,
    // Only the batch shell, which passes it on once: the trial checkpoints before the end.
    `--signal=B:TERM@${pool.warningSeconds ?? DEFAULT_WARNING_SECONDS}`,
    // The master reschedules a job the cluster ended; Slurm must not run it again on its own.
    "--no-requeue",
    ...(partition ? [`--partition=${partition}`] : []),
    ...(account ? [`--account=${account}`] : []),
    ...(qos ? [`--qos=${qos}`] : []),
    ...(time ? [`--time=${time}`] : []),
    // Later options win in sbatch: the experiment's over the pool's.
    ...(pool.sbatchArgs ?? []),
    ...(exp.sbatch_args ?? []),
  ];
}
