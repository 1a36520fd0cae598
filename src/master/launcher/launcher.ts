/**
 * Where trial processes run. The master never reaches into a process: it asks
 * a launcher to start an allocation with an environment, and hears back when
 * it exits. Nothing here assumes child processes of the master, so a Slurm or
 * Kubernetes launcher fits behind the same seam.
 */

export interface LaunchSpec {
  allocationId: string;
  trialId: number;
  experimentId: number;
  /** Directory the entrypoint runs in. */
  workdir: string;
  /** Shell command line, run as `sh -c`. */
  entrypoint: string;
  env: Record<string, string>;
  slots: number;
}

export interface ExitInfo {
  /** null when the process was ended by a signal or lost. */
  exitCode: number | null;
  signal: string | null;
  /** The infrastructure lost it (node gone, launcher died): not the trial's fault. */
  lost: boolean;
  /**
   * Lost because its launch could not reach the cluster (`ClusterUnreachableError`):
   * its trial's next launch waits (`relaunchDelayMs`).
   */
  unreachable?: boolean;
  /**
   * Its launch failed and no process ran (an `sbatch` refusal: a bad
   * partition, over a limit): the first line of the launcher's message.
   */
  notStarted?: string;
  /** The process did not exit: it finished its trial and asked for another. */
  askedForNext?: boolean;
  /**
   * The cluster ended it (a time limit, a preemption, a node failure, a cancel
   * by someone other than the master), named as the cluster names it: not the
   * trial's fault, so it is rescheduled from its latest checkpoint without
   * counting a restart, whatever its exit code.
   */
  endedByCluster?: string;
}

/**
 * A launch that failed because the cluster could not be reached (Slurm's
 * controller down or restarting): the trial did nothing wrong, so the run is
 * lost, not failed, and the trial starts again without counting a restart.
 */
export class ClusterUnreachableError extends Error {}

export interface LauncherEvents {
  exited(allocationId: string, info: ExitInfo): void;
  log(allocationId: string, stream: "stdout" | "stderr", line: string, time: Date): void;
  /**
   * Null while the master can take more log lines; else a promise that
   * resolves once it can. A launcher waits for it before it reads more of a
   * trial's output, so that a trial printing faster than the master stores
   * waits on its own output instead of filling the master's memory.
   */
  logRoom?(): Promise<void> | null;
  /**
   * Resolves once every line given so far is stored. A launcher that records
   * how far it has read a trial's output, to go on from there after a
   * restart, waits for it first: lines read but not stored are not lost with
   * the master.
   */
  logsStored?(): Promise<void>;
  /**
   * The launcher found the process of an allocation recovered without a
   * handle (its master died after starting it, before storing its handle):
   * `handle` is its handle, for the master to store.
   */
  found?(allocationId: string, handle: unknown): void;
}

export interface Launcher {
  /** Slots this launcher's resource pool offers. */
  readonly totalSlots: number;
  /** What it runs trials as, for people: "local", "slurm". */
  readonly kind?: string;
  /** Called once by the master before any launch. */
  attach(events: LauncherEvents): void;
  /**
   * Why trials could not run in `workdir`, or null: a launcher that runs them
   * on the master's machine, or on nodes that see its files at the same paths,
   * can tell when the directory is not there. Asked
   * when an experiment is created; launchers that cannot tell leave it out.
   */
  workdirIssue?(workdir: string): Promise<string | null>;
  /**
   * True while the allocation's process is not known to have started (a
   * Slurm job still in the queue): its trial's views say it is queued, not
   * training.
   */
  queued?(allocationId: string): boolean;
  /**
   * Starts an allocation; resolves with a JSON handle the master stores (pid, job id …).
   * Rejects with `ClusterUnreachableError` when the cluster could not be asked.
   */
  launch(spec: LaunchSpec): Promise<unknown>;
  /**
   * Asks an allocation's processes to stop (SIGTERM): they may deliver what
   * they hold and exit. Safe to call for one already gone.
   */
  terminate(allocationId: string, handle: unknown): Promise<void>;
  /**
   * Stops an allocation's processes at once (SIGKILL; a Slurm job is
   * cancelled, which gives them SIGTERM and SIGKILL after the cluster's
   * `KillWait`). Safe to call for one already gone.
   */
  kill(allocationId: string, handle: unknown): Promise<void>;
  /**
   * After a master restart: an allocation recorded by a previous master,
   * with the handle it stored, or null when that master died before storing
   * one (its process may have been started all the same). Returns "adopted"
   * when it still runs, or has ended in a way the launcher can still read,
   * and will report its exit here (a process found without a handle is
   * reported with `found`); "stopped" when it was stopped (or was already
   * gone, its end unknown, or never started).
   */
  recover(allocationId: string, handle: unknown): Promise<"adopted" | "stopped">;
  /**
   * The process of allocation `from`, which has finished its trial and asked
   * for another, now runs allocation `to`: its logs and its exit are `to`'s
   * from here on. Returns `to`'s handle, or null when that process is gone.
   * Launchers whose processes cannot take another trial leave it out.
   */
  handOver?(from: string, to: LaunchSpec): unknown;
  /**
   * Resolves once the log lines the allocation's process wrote before asking
   * for its next trial have been reported, so that none is counted as the
   * next trial's. Only launchers with `handOver` need it.
   */
  settleOutput?(allocationId: string): Promise<void>;
  /**
   * Removes what the launcher keeps on disk of an ended allocation (a Slurm
   * job's directory), once its experiment is deleted. Launchers that keep
   * nothing leave it out.
   */
  forget?(handle: unknown): Promise<void>;
  close(): Promise<void>;
}
