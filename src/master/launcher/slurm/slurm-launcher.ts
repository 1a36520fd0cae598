/**
 * The Slurm launcher: each allocation is one `sbatch` job that runs the
 * entrypoint in the experiment's workdir with the trial's environment (read
 * from a 0600 file, never from a command line). The master follows its jobs
 * with one `squeue --json` for all of them (and for its other Slurm pools'),
 * at most once a second and less often while Slurm is slow or down, tails the
 * output files the jobs write on the shared file system, and reads a job's
 * exit record as soon as its batch script writes it. Jobs do not depend on the
 * master: one that restarts adopts the jobs still queued or running and reads
 * the end of those that finished meanwhile from their exit records.
 */
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Launcher, LauncherEvents, LaunchSpec } from "../launcher.js";
import { inheritedEnv } from "../trial-env.js";
import { type CommandRunner, execRunner, runRetried } from "./command-runner.js";
import { FileTail, READ_PIECE_BYTES } from "./file-tail.js";
import { sweepForgottenJobs } from "./forgotten-jobs.js";
import { ENDED_STATES, jobExit, type Requested, type SlurmJobState } from "./job-end.js";
import {
  type JobFiles,
  jobFiles,
  readExitRecord,
  readTailOffsets,
  writeJobFiles,
  writeTailOffsets,
} from "./job-files.js";
import { nextPollDelay, parseScontrolJob, SlurmQueue } from "./job-queue.js";
import { jobName, type SlurmPoolSettings, sbatchArgs } from "./sbatch-args.js";
import { submitBatchJob } from "./sbatch-submit.js";

/** What the master stores for a job: plain JSON. */
export interface SlurmHandle {
  jobId: string;
  /** The job's directory (its environment, script, output and exit record). */
  dir: string;
}

export interface SlurmLauncherOptions extends SlurmPoolSettings {
  /** Slots of the pool: CPUs, or GPUs when `slotType` is "gpu". */
  slots: number;
  /** A directory the master and the compute nodes share: each job gets one under it (relative: to the master's working directory). */
  jobsDir: string;
  /** The environment trials inherit from, through `inheritedEnv`. Defaults to the master's own. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Runs Slurm's commands (default: child processes with the master's environment). */
  runCommand?: CommandRunner;
  /** The queue this launcher reads, shared with the master's other Slurm pools (default: its own). */
  queue?: SlurmQueue;
  /** Least time between two `squeue` calls (default 1000 ms; a shared queue's own). */
  pollIntervalMs?: number;
  /** Most time between two `squeue` calls while Slurm fails (default 30 s). */
  maxPollIntervalMs?: number;
  /** Time between two reads of the jobs' output files (default 250 ms). */
  tailIntervalMs?: number;
  /** Waits before running `sbatch` again while it cannot connect to the controller (default 1 s, 2 s). */
  sbatchRetryDelaysMs?: readonly number[];
}

/** A job this master follows, under the allocation it runs now. */
interface Job {
  allocationId: string;
  handle: SlurmHandle;
  files: JobFiles;
  stdout: FileTail;
  stderr: FileTail;
  requested: Requested;
  /** Its end is being read: it takes no other allocation. */
  ending: boolean;
  /** Its experiment was deleted while it ran: its directory goes once it ends. */
  forgotten: boolean;
  /** Seen running (by Slurm, by its output, by a handover): a stop must signal it, not cancel it. */
  started: boolean;
}

export class SlurmLauncher implements Launcher {
  readonly totalSlots: number;
  readonly kind = "slurm";
  private events: LauncherEvents | null = null;
  /** By the allocation each job runs now. */
  private readonly jobs = new Map<string, Job>();
  private readonly run: CommandRunner;
  private readonly baseEnv: Record<string, string>;
  private readonly minPollMs: number;
  private readonly maxPollMs: number;
  private pollDelay: number;
  private pollTimer: NodeJS.Timeout | null = null;
  private tailTimer: NodeJS.Timeout | null = null;
  private readonly queue: SlurmQueue;
  /** Output reads and exits, one at a time, so that no line is read twice or after its exit. */
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly options: SlurmLauncherOptions;

  constructor(options: SlurmLauncherOptions) {
    // A relative jobs_dir is the master's: a job runs in its workdir and must still find its files.
    this.options = { ...options, jobsDir: resolve(options.jobsDir) };
    this.totalSlots = options.slots;
    this.run = options.runCommand ?? execRunner();
    this.baseEnv = inheritedEnv(options.baseEnv ?? process.env);
    this.queue = options.queue ?? new SlurmQueue(this.run, options.pollIntervalMs);
    this.minPollMs = this.queue.minMs;
    this.maxPollMs = options.maxPollIntervalMs ?? 30_000;
    this.pollDelay = this.minPollMs;
  }

  attach(events: LauncherEvents): void {
    this.events = events;
    this.swept = sweepForgottenJobs(this.options.jobsDir);
  }

  /** The first look at `jobsDir` for the directories of forgotten jobs that have ended. */
  swept: Promise<void> = Promise.resolve();

  async launch(spec: LaunchSpec): Promise<SlurmHandle> {
    const files = jobFiles(join(this.options.jobsDir, encodeURIComponent(spec.allocationId)));
    let jobId: string;
    try {
      await writeJobFiles(files, spec.entrypoint, { ...this.baseEnv, ...spec.env });
      // sbatch runs with only what a trial inherits: its environment is the job's (`--export=ALL`).
      jobId = await submitBatchJob(
        this.run,
        [...sbatchArgs(spec, files, this.options), files.script],
        this.baseEnv,
        this.options.sbatchRetryDelaysMs ?? [1000, 2000],
      );
    } catch (err) {
      // No job: nothing will read its directory (and its environment file holds a token).
      await rm(files.dir, { recursive: true, force: true }).catch(() => {});
      throw err;
    }
    const handle = { jobId, dir: files.dir };
    this.follow(spec.allocationId, handle, { stdout: 0, stderr: 0 });
    return handle;
  }

  private follow(
    allocationId: string,
    handle: SlurmHandle,
    offsets: { stdout: number; stderr: number },
  ): void {
    const files = jobFiles(handle.dir);
    this.jobs.set(allocationId, {
      allocationId,
      handle,
      files,
      stdout: new FileTail(files.stdout, offsets.stdout),
      stderr: new FileTail(files.stderr, offsets.stderr),
      requested: { terminate: false, kill: false },
      ending: false,
      forgotten: false,
      started: offsets.stdout + offsets.stderr > 0,
    });
    if (this.closed) return;
    this.pollTimer ??= this.schedulePoll(this.minPollMs);
    if (!this.tailTimer) {
      this.tailTimer = setInterval(() => {
        void this.serially(() => this.readAllOutput());
      }, this.options.tailIntervalMs ?? 250);
      this.tailTimer.unref();
    }
  }

  /** Reads the output of the allocation's job so far (its lines before asking for the next trial). */
  settleOutput(allocationId: string): Promise<void> {
    return this.serially(async () => {
      const job = this.jobs.get(allocationId);
      if (job) await this.readOutput(job, false);
    });
  }

  /** The job goes on as allocation `to`: its later lines and its exit are `to`'s. */
  handOver(from: string, to: LaunchSpec): SlurmHandle | null {
    const job = this.jobs.get(from);
    if (!job || job.ending) return null;
    this.jobs.delete(from);
    job.allocationId = to.allocationId;
    job.requested = { terminate: false, kill: false };
    job.started = true;
    this.jobs.set(to.allocationId, job);
    // Only a name, for people reading squeue: nothing depends on it.
    void this.run("scontrol", ["update", `JobId=${job.handle.jobId}`, `JobName=${jobName(to)}`]);
    return job.handle;
  }

  async terminate(allocationId: string, handle: unknown): Promise<void> {
    const jobId = this.jobIdOf(allocationId, handle, "terminate");
    if (!jobId) return;
    // A job still queued has no process to signal, and `scancel --signal` would wait for it
    // to start: it is cancelled, having done little. One Slurm cannot tell about (squeue
    // failing, or not listing it yet) is cancelled only if it was never seen running.
    const job = this.jobs.get(allocationId);
    const state = (await this.lookUp(jobId).catch(() => null))?.state;
    if (state === "PENDING" || (state === undefined && !job?.started)) {
      if (job) job.requested.cancelledQueued = true;
      await this.scancel(allocationId, [jobId]);
    } else await this.scancel(allocationId, ["--batch", "--signal=TERM", jobId]);
  }

  async kill(allocationId: string, handle: unknown): Promise<void> {
    const jobId = this.jobIdOf(allocationId, handle, "kill");
    if (!jobId) return;
    await this.scancel(allocationId, [jobId]);
  }

  /**
   * `scancel`, tried again while it fails and the job is still followed: a
   * stop lost to a controller down for a moment would leave a killed
   * experiment stopping for ever, or a preempted trial holding its slot.
   * Each failure is a line of the trial's log.
   */
  private scancel(allocationId: string, args: string[]): Promise<void> {
    return runRetried(this.run, "scancel", args, {
      tries: 8, // from 0.5 s, doubling: about a minute in all
      firstDelayMs: 500,
      wanted: () => !this.closed && this.jobs.has(allocationId),
      failed: (why, again) =>
        this.events?.log(
          allocationId,
          "stderr",
          `pushtune: scancel ${args.join(" ")} failed (${why})${again ? "; trying again" : ""}`,
          new Date(),
        ),
    });
  }

  /** The job of an allocation, noting what was asked of it; null for one whose job runs another now. */
  private jobIdOf(
    allocationId: string,
    handle: unknown,
    what: "terminate" | "kill",
  ): string | null {
    const job = this.jobs.get(allocationId);
    if (job) {
      job.requested[what] = true;
      return job.handle.jobId;
    }
    const id = asHandle(handle)?.jobId;
    if (!id) return null;
    for (const other of this.jobs.values()) if (other.handle.jobId === id) return null;
    return id;
  }

  async recover(allocationId: string, handle: unknown): Promise<"adopted" | "stopped"> {
    const h = asHandle(handle);
    if (!h) return "stopped";
    const files = jobFiles(h.dir);
    // Slurm out of reach says nothing of the job: it is followed until Slurm answers.
    const known = await this.lookUp(h.jobId).catch(() => "unreachable" as const);
    if (known === null && !(await readExitRecord(files))) return "stopped";
    // Running or not, its end is read by the next poll, and its logs go on from where they were.
    this.follow(allocationId, h, await readTailOffsets(files));
    // Its experiment was deleted under an earlier master: its directory goes once it ends.
    this.jobs.get(allocationId)!.forgotten = existsSync(files.forgotten);
    return "adopted";
  }

  /**
   * A deleted experiment's job directory: only one directly under this
   * pool's `jobsDir`. A job still followed (a process that exits on its own after
   * its experiment ended) writes there until it ends: its directory goes then.
   */
  async forget(handle: unknown): Promise<void> {
    const h = asHandle(handle);
    if (!h) return;
    // `launch` names it by its allocation; never the file system's root, whatever `jobsDir` is.
    const dir = resolve(h.dir);
    if (dirname(dir) !== this.options.jobsDir || dir === dirname(dir)) return;
    const followed = [...this.jobs.values()].find((job) => job.handle.dir === h.dir);
    if (!followed) return rm(h.dir, { recursive: true, force: true });
    followed.forgotten = true;
    // Should this master stop before the job ends, the next one removes the directory.
    await writeFile(followed.files.forgotten, "").catch(() => {});
  }

  async close(): Promise<void> {
    // Jobs keep running without the master: the next one adopts them.
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.tailTimer) clearInterval(this.tailTimer);
    this.pollTimer = this.tailTimer = null;
    await this.work;
    this.jobs.clear();
  }

  private schedulePoll(delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => void this.poll(), delayMs);
    timer.unref();
    return timer;
  }

  /** One look at the queue: the jobs that ended are read and reported. */
  private async poll(): Promise<void> {
    const started = Date.now();
    let ok = true;
    try {
      for (const job of [...this.jobs.values()]) {
        if (job.ending) continue;
        const state = await this.lookUp(job.handle.jobId);
        if (this.closed) return;
        if (state && state.state !== "PENDING") job.started = true;
        // Its exit record may have ended it meanwhile.
        if (job.ending || (state && !ENDED_STATES.has(state.state))) continue;
        job.ending = true;
        await this.serially(() => this.finish(job, state));
      }
    } catch {
      ok = false; // Slurm is slow or down: try again later
    }
    this.pollDelay = nextPollDelay(
      { ok, tookMs: Date.now() - started, delayMs: this.pollDelay },
      { minMs: this.minPollMs, maxMs: this.maxPollMs },
    );
    this.pollTimer = this.closed || this.jobs.size === 0 ? null : this.schedulePoll(this.pollDelay);
  }

  /** What Slurm says of a job: from the shared `squeue` answer, else from `scontrol`. */
  private async lookUp(jobId: string): Promise<SlurmJobState | null> {
    return (await this.queue.jobs()).get(jobId) ?? (await this.forgottenJob(jobId));
  }

  /** A job squeue does not list: `scontrol` may still remember it; null when Slurm does not. */
  private async forgottenJob(jobId: string): Promise<SlurmJobState | null> {
    const shown = await this.run("scontrol", ["show", "job", jobId]);
    if (shown.code !== 0) {
      if (/invalid job id/i.test(shown.stderr)) return null;
      throw new Error(`scontrol show job ${jobId}: ${shown.stderr.trim()}`);
    }
    return parseScontrolJob(shown.stdout);
  }

  /** The job is over: its last lines, then its exit. */
  private async finish(job: Job, state: SlurmJobState | null): Promise<void> {
    await this.readOutput(job, true);
    const info = jobExit(state, await readExitRecord(job.files), job.requested);
    this.jobs.delete(job.allocationId);
    this.events?.exited(job.allocationId, info);
    if (job.forgotten) await rm(job.handle.dir, { recursive: true, force: true }).catch(() => {});
  }

  /**
   * Reads every job's new lines, and ends the jobs whose batch script wrote
   * its exit record: a trial that ended by itself, or as the master asked,
   * needs nothing of Slurm to be read, so its slot is free within a tail
   * interval rather than at the next `squeue`. A SIGTERM nobody at the master
   * sent is Slurm's or an outsider's (`scancel`): only Slurm's own state tells
   * which, so that job waits for the poll.
   */
  private async readAllOutput(): Promise<void> {
    for (const job of [...this.jobs.values()]) {
      if (job.ending) continue;
      await this.readOutput(job, false);
      const record = await readExitRecord(job.files);
      if (!record || job.ending) continue;
      if (record.terminated && !job.requested.terminate && !job.requested.kill) continue;
      job.ending = true;
      await this.finish(job, null);
    }
  }

  private async readOutput(job: Job, final: boolean): Promise<void> {
    const before = job.stdout.offset + job.stderr.offset;
    const moved = () => job.stdout.offset + job.stderr.offset !== before;
    for (const stream of ["stdout", "stderr"] as const) {
      do {
        await this.events?.logRoom?.();
        const lines = await job[stream].read(final, READ_PIECE_BYTES);
        // Output proves the job runs: a stop that follows a line signals it, not cancels it.
        if (moved()) job.started = true;
        for (const line of lines) this.events?.log(job.allocationId, stream, line, new Date());
      } while (!job[stream].atEnd);
    }
    if (moved()) {
      await this.events?.logsStored?.();
      await writeTailOffsets(job.files, { stdout: job.stdout.offset, stderr: job.stderr.offset });
    }
  }

  private serially(fn: () => Promise<void>): Promise<void> {
    const next = this.work.then(fn).catch(() => {});
    this.work = next;
    return next;
  }
}

function asHandle(handle: unknown): SlurmHandle | null {
  const h = handle as Partial<SlurmHandle> | null;
  return h && typeof h.jobId === "string" && typeof h.dir === "string"
    ? { jobId: h.jobId, dir: h.dir }
    : null;
}
