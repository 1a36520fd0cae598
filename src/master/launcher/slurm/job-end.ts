/**
 * How a finished Slurm job's end reads as an allocation's exit: from the
 * batch script's own exit record where there is one (it knows the trial's
 * exit code and whether the trial was sent SIGTERM), else from Slurm's state
 * and wait status (the script itself was killed), else the job is lost.
 *
 * A job ended by the cluster is not the trial's fault: Slurm's time limit,
 * preemption, a node failure or a deadline. So is a trial that exited after a
 * SIGTERM the master did not send, in a job Slurm does not call cancelled:
 * Slurm sent it (`--signal=B:TERM@…`) ahead of a time limit or a preemption,
 * and the trial stopped as for a preemption. A cancel nobody at the master
 * asked for (an `scancel` from outside) is a failure: the run counts against
 * `max_restarts` and the trial restarts from its latest checkpoint.
 */
import { constants } from "node:os";
import type { ExitInfo } from "../launcher.js";
import type { ExitRecord } from "./job-files.js";

/** What Slurm says of a job: its state and its wait status (`exit_code` of `squeue --json`). */
export interface SlurmJobState {
  state: string;
  /** The batch script's wait status: exit code << 8 | signal; null when not known. */
  waitStatus: number | null;
}

/** States in which the job is over; any other is a job still queued or running. */
export const ENDED_STATES: ReadonlySet<string> = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "PREEMPTED",
  "NODE_FAIL",
  "BOOT_FAIL",
  "DEADLINE",
  "OUT_OF_MEMORY",
]);

/** Ends where the batch script exited by itself: its wait status is the trial's. */
const TRIAL_ENDS: ReadonlySet<string> = new Set(["COMPLETED", "FAILED", "OUT_OF_MEMORY"]);

/** Ends that are the cluster's doing. OUT_OF_MEMORY is the trial's own. */
const CLUSTER_ENDS: ReadonlySet<string> = new Set([
  "TIMEOUT",
  "PREEMPTED",
  "NODE_FAIL",
  "BOOT_FAIL",
  "DEADLINE",
]);

/** What the master asked of the job, as far as this launcher knows. */
export interface Requested {
  terminate: boolean;
  kill: boolean;
  /** A terminate found the job still queued and cancelled it. */
  cancelledQueued?: boolean;
}

export function jobExit(
  slurm: SlurmJobState | null,
  record: ExitRecord | null,
  requested: Requested,
): ExitInfo {
  // It never ran (no record): nothing the trial did, so it is rescheduled as a loss, not a crash.
  if (requested.cancelledQueued && !requested.kill && !record)
    return { exitCode: null, signal: null, lost: true };
  const asked = requested.terminate || requested.kill;
  // Someone cancelled the job from outside (scancel): a failure of the trial's run,
  // counted and restarted from its checkpoint, however cleanly the trial stopped.
  if (slurm?.state === "CANCELLED" && !asked) {
    const status = record?.status ?? null;
    const signal = status !== null && status > 128 ? signalName(status - 128) : "SIGTERM";
    return { exitCode: null, signal, lost: false };
  }
  let endedByCluster: string | undefined;
  if (slurm && CLUSTER_ENDS.has(slurm.state)) endedByCluster = slurm.state;
  else if (record?.terminated && !asked) endedByCluster = "SIGTERM from the cluster";
  const cluster = endedByCluster === undefined ? {} : { endedByCluster };
  if (record) {
    // The shell's status: 128 + n is signal n.
    const signal = record.status > 128 ? signalName(record.status - 128) : null;
    return { exitCode: signal ? null : record.status, signal, lost: false, ...cluster };
  }
  if (slurm && TRIAL_ENDS.has(slurm.state)) {
    const { exitCode, signal } = decodeWaitStatus(slurm.waitStatus ?? 0);
    return { exitCode, signal, lost: false, ...cluster };
  }
  if (slurm) {
    // Killed before it could write its record (a cancel, a time limit's end): Slurm's SIGKILL.
    const signal = decodeWaitStatus(slurm.waitStatus ?? 0).signal ?? "SIGKILL";
    return { exitCode: null, signal, lost: false, ...cluster };
  }
  return { exitCode: null, signal: null, lost: true };
}

function decodeWaitStatus(status: number): { exitCode: number | null; signal: string | null } {
  const signalNumber = status & 0x7f;
  return signalNumber
    ? { exitCode: null, signal: signalName(signalNumber) }
    : { exitCode: status >> 8, signal: null };
}

function signalName(n: number): string {
  const entry = Object.entries(constants.signals).find(([, value]) => value === n);
  return entry ? entry[0] : `signal ${n}`;
}
