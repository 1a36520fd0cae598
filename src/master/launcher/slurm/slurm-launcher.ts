/**
 * The Slurm launcher: each allocation is one `sbatch` job that runs the
 * entrypoint in the experiment's workdir with the trial's environment (read
 * from a 0600 file, never from a command line). The master follows its jobs
 * with one `squeue --json` for all of them (and for its other Slurm pools'),
 * at most once a second and less often while Slurm is slow or down, tails the
 * output files the jobs write on the shared file system, and reads a job's
 * exit record as soon as its batch script writes it. Jobs do not depend on the
 * master: one that restarts adopts the jobs still queued or running and reads
 * the end of those that finished meanwhile from their exit records. A job
 * whose master died between `sbatch` and storing its id is adopted too: it is
 * the allocation's own (its token, its directory), found by its output file.
 */
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Launcher, LauncherEvents, LaunchSpec } from "../launcher.js";
import { inheritedEnv } from "../trial-env.js";
import { localWorkdirIssue } from "../workdir-issue.js";
import { type CommandRunner, execRunner, runRetried } from "./command-runner.js";
import {
  asHandle,
  followedJob,
  type Job,
  readJobOutput,
  type SlurmHandle,
} from "./followed-job.js";
import { sweepForgottenJobs } from "./forgotten-jobs.js";
import { ENDED_STATES, jobExit, type SlurmJobState } from "./job-end.js";
import {
  jobFiles,
  readExitRecord,
  readTailOffsets,
  type TailOffsets,
  writeJobFiles,
} from "./job-files.js";
import { nextPollDelay, SlurmQueue } from "./job-queue.js";
import { jobName, type SlurmPoolSettings, sbatchArgs } from "./sbatch-args.js";
import { submitBatchJob } from "./sbatch-submit.js";

export type { SlurmHandle } from "./followed-job.js";

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

  /**
   * The nodes see the workdir at the master's path (the shared file system),
   * so one the master does not see is wrong there too; Slurm would run the
   * job in /tmp instead (`couldn't chdir … going to /tmp instead`).
   */
  workdirIssue(workdir: string): Promise<string | null> {
    return localWorkdirIssue(workdir);
  }

  queued(allocationId: string): boolean {
    const job = this.jobs.get(allocationId);
    return job !== undefined && !job.started;
  }

  /** The first look at `jobsDir` for the directories of forgotten jobs that have ended. */
  swept: Promise<void> = Promise.resolve();

  /** The directory of an allocation's job: written before `sbatch` runs. */
  private dirOf(allocationId: string): string {
    return join(this.options.jobsDir, encodeURIComponent(allocationId));
  }

  async launch(spec: LaunchSpec): Promise<SlurmHandle> {
    const files = jobFiles(this.dirOf(spec.allocationId));
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
    this.follow(spec.allocationId, jobId, files.dir, { stdout: 0, stderr: 0 });
    return { jobId, dir: files.dir };
  }

  private follow(
    allocationId: string,
    jobId: string | null,
    dir: string,
    offsets: TailOffsets,
  ): void {
    this.jobs.set(allocationId, followedJob(allocationId, jobId, dir, offsets));
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
      if (job) await readJobOutput(job, this.events, false);
    });
  }

  /**
   * The job goes on as allocation `to`: its later lines and its exit are `to`'s.
   * Not one still looked for: `to` would have no job id to store.
   */
  handOver(from: string, to: LaunchSpec): SlurmHandle | null {
    const job = this.jobs.get(from);
    if (!job?.jobId || job.ending) return null;
    this.jobs.delete(from);
    job.allocationId = to.allocationId;
    job.requested = { terminate: false, kill: false };
    job.started = true;
    this.jobs.set(to.allocationId, job);
    // Only a name, for people reading squeue: nothing depends on it.
    void this.run("scontrol", ["update", `JobId=${job.jobId}`, `JobName=${jobName(to)}`]);
    return { jobId: job.jobId, dir: job.files.dir };
  }

  async terminate(allocationId: string, handle: unknown): Promise<void> {
    const jobId = this.jobIdOf(allocationId, handle, "terminate");
    if (!jobId) return;
    // A job still queued has no process to signal, and `scancel --signal` would wait for it
    // to start: it is cancelled, having done little. One Slurm cannot tell about (squeue
    // failing, or not listing it yet) is cancelled only if it was never seen running.
    const job = this.jobs.get(allocationId);
    const state = (await this.queue.lookUp(jobId).catch(() => null))?.state;
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

  /**
   * The job of an allocation, noting what was asked of it; null for one whose
   * job runs another now, and for one still looked for (asked once found).
   */
  private jobIdOf(
    allocationId: string,
    handle: unknown,
    what: "terminate" | "kill",
  ): string | null {
    const job = this.jobs.get(allocationId);
    if (job) {
      job.requested[what] = true;
      return job.jobId;
    }
    const id = asHandle(handle)?.jobId;
    if (!id) return null;
    for (const other of this.jobs.values()) if (other.jobId === id) return null;
    return id;
  }

  /**
   * A job stored without its id (its master died between `sbatch` and storing
   * it) is adopted when its directory is there: `sbatch` may have run. It is
   * looked for (`find`) now and, until Slurm answers, by the poll, which reads
   * its end as any job's (not found: lost).
   */
  async recover(allocationId: string, handle: unknown): Promise<"adopted" | "stopped"> {
    const h = asHandle(handle) ?? { jobId: null, dir: this.dirOf(allocationId) };
    const files = jobFiles(h.dir);
    if (h.jobId === null && !existsSync(files.dir)) return "stopped"; // sbatch never ran
    // Slurm out of reach says nothing of the job: it is followed until Slurm answers.
    const known =
      h.jobId === null
        ? "looked for"
        : await this.queue.lookUp(h.jobId).catch(() => "unreachable" as const);
    if (known === null && !(await readExitRecord(files))) return "stopped";
    // Running or not, its end is read by the next poll, and its logs go on from where they were.
    this.follow(allocationId, h.jobId, h.dir, await readTailOffsets(files));
    const job = this.jobs.get(allocationId)!;
    // Its experiment was deleted under an earlier master: its directory goes once it ends.
    job.forgotten = existsSync(files.forgotten);
    // Looked for at once, so that its handle is stored before the master goes on.
    if (h.jobId === null) await this.find(job).catch(() => null);
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
    const followed = [...this.jobs.values()].find((job) => job.files.dir === h.dir);
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
        const state = job.jobId ? await this.queue.lookUp(job.jobId) : await this.find(job);
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

  /**
   * The job of an allocation stored without its id: the one squeue lists
   * with the allocation's output file. Found, its id is the master's to store
   * (`found`), and a stop asked meanwhile is sent. Null when Slurm lists none:
   * `sbatch` never ran, or the job ended long enough ago for Slurm to forget
   * it (its exit record tells how).
   */
  private async find(job: Job): Promise<SlurmJobState | null> {
    const jobId = await this.queue.findByOutput(job.files.stdout);
    if (!jobId) return null;
    job.jobId = jobId;
    this.events?.found?.(job.allocationId, { jobId, dir: job.files.dir } satisfies SlurmHandle);
    if (job.requested.kill) await this.kill(job.allocationId, null);
    else if (job.requested.terminate) await this.terminate(job.allocationId, null);
    return this.queue.lookUp(jobId);
  }

  /** The job is over: its last lines, then its exit. */
  private async finish(job: Job, state: SlurmJobState | null): Promise<void> {
    await readJobOutput(job, this.events, true);
    const info = jobExit(state, await readExitRecord(job.files), job.requested);
    this.jobs.delete(job.allocationId);
    this.events?.exited(job.allocationId, info);
    // A job never found has no id stored anywhere: nothing will read or remove its directory.
    // Gone, it also stops a job an `sbatch` still under way for a dead master would start:
    // that job finds neither its environment nor where to write.
    if (job.forgotten || !job.jobId)
      await rm(job.files.dir, { recursive: true, force: true }).catch(() => {});
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
      await readJobOutput(job, this.events, false);
      const record = await readExitRecord(job.files);
      // One still looked for ends at the poll, which finds it first: its id is stored then.
      if (!record || job.ending || !job.jobId) continue;
      if (record.terminated && !job.requested.terminate && !job.requested.kill) continue;
      job.ending = true;
      await this.finish(job, null);
    }
  }

  private serially(fn: () => Promise<void>): Promise<void> {
    const next = this.work.then(fn).catch(() => {});
    this.work = next;
    return next;
  }
}
