/**
 * Reading Slurm's view of jobs: `squeue --json` for all of this user's jobs
 * at once (Slurm remembers finished ones for `MinJobAge`, 300 s by default),
 * and `scontrol show job` for one it no longer lists.
 */
import { type CommandRunner, succeeded } from "./command-runner.js";
import type { SlurmJobState } from "./job-end.js";

/**
 * A job as `squeue` lists it: its state, and the file its output goes to,
 * by which a job whose id its master did not live to store is found
 * (`launch` gives every job an output file of its own, in its allocation's
 * directory).
 */
export interface QueuedJob extends SlurmJobState {
  /** `--output` as given to `sbatch`; null when squeue does not say. */
  stdout: string | null;
}

/**
 * This user's jobs as one `squeue --json` shows them, shared by every Slurm
 * pool of a master: an answer younger than `minMs` is reused and one call is
 * in flight at most, so Slurm answers at most once a `minMs` however many
 * pools ask.
 */
export class SlurmQueue {
  private last: { at: number; jobs: Map<string, QueuedJob> } | null = null;
  private call: Promise<Map<string, QueuedJob>> | null = null;

  constructor(
    private readonly run: CommandRunner,
    readonly minMs = 1000,
  ) {}

  jobs(): Promise<Map<string, QueuedJob>> {
    if (this.call) return this.call;
    if (this.last && Date.now() - this.last.at < this.minMs) return Promise.resolve(this.last.jobs);
    this.call = (async () => {
      try {
        const jobs = parseSqueue(succeeded("squeue", await this.run("squeue", ["--json", "--me"])));
        this.last = { at: Date.now(), jobs };
        return jobs;
      } finally {
        this.call = null;
      }
    })();
    return this.call;
  }

  /** What Slurm says of a job: from the shared `squeue` answer, else from `scontrol`. */
  async lookUp(jobId: string): Promise<SlurmJobState | null> {
    return (await this.jobs()).get(jobId) ?? (await this.forgottenJob(jobId));
  }

  /** The id of the job squeue lists writing its output to `stdout`, or null. */
  async findByOutput(stdout: string): Promise<string | null> {
    for (const [jobId, job] of await this.jobs()) if (job.stdout === stdout) return jobId;
    return null;
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
}

interface SqueueJob {
  job_id?: number;
  /** A string in Slurm 22.05, a list of flags from 23.02 on. */
  job_state?: string | string[];
  standard_output?: string;
  /** A wait status in 22.05; an object from 23.02 on. */
  exit_code?:
    | number
    | {
        return_code?: number | { number?: number };
        signal?: { id?: number | { number?: number } };
      };
}

/** Jobs by id, from `squeue --json` output. */
export function parseSqueue(json: string): Map<string, QueuedJob> {
  const out = new Map<string, QueuedJob>();
  const parsed = JSON.parse(json) as { jobs?: SqueueJob[] };
  for (const job of parsed.jobs ?? []) {
    if (job.job_id === undefined) continue;
    const flags = Array.isArray(job.job_state) ? job.job_state : [job.job_state ?? ""];
    // From 23.02 a job still stopping (its processes in KillWait, writing their checkpoint) is
    // its end state with COMPLETING among its flags; 22.05 says COMPLETING: not ended yet.
    const state = flags.includes("COMPLETING") ? "COMPLETING" : (flags[0] ?? "");
    out.set(String(job.job_id), {
      state,
      waitStatus: waitStatus(job.exit_code),
      stdout: job.standard_output || null,
    });
  }
  return out;
}

function waitStatus(exit: SqueueJob["exit_code"]): number | null {
  if (exit === undefined) return null;
  if (typeof exit === "number") return exit;
  const code = numberOf(exit.return_code) ?? 0;
  const signal = numberOf(exit.signal?.id) ?? 0;
  return (code << 8) | signal;
}

function numberOf(v: number | { number?: number } | undefined): number | undefined {
  return typeof v === "number" ? v : v?.number;
}

/** A job from `scontrol show job <id>` output (`JobState=…`, `ExitCode=code:signal`). */
export function parseScontrolJob(text: string): SlurmJobState | null {
  const state = /\bJobState=(\S+)/.exec(text)?.[1];
  if (!state) return null;
  const exit = /\bExitCode=(\d+):(\d+)/.exec(text);
  return {
    state,
    waitStatus: exit ? (Number(exit[1]) << 8) | Number(exit[2]) : null,
  };
}

/**
 * The wait before the next `squeue`: never less than `minMs` (one call a
 * second at most, however many jobs run), twice as long as the last call took
 * when Slurm is slow, and doubling after each failure up to `maxMs`.
 */
export function nextPollDelay(
  last: { ok: boolean; tookMs: number; delayMs: number },
  limits: { minMs: number; maxMs: number },
): number {
  const wanted = last.ok ? Math.max(limits.minMs, 2 * last.tookMs) : 2 * last.delayMs;
  return Math.min(limits.maxMs, Math.max(limits.minMs, wanted));
}
