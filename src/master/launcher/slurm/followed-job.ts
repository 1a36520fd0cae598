/**
 * What the Slurm launcher keeps of a job it follows: the handle the master
 * stores, what was asked of the job, and how far its output files are read.
 */
import type { LauncherEvents } from "../launcher.js";
import { FileTail, READ_PIECE_BYTES } from "./file-tail.js";
import type { Requested } from "./job-end.js";
import { type JobFiles, jobFiles, type TailOffsets, writeTailOffsets } from "./job-files.js";

/** What the master stores for a job: plain JSON. */
export interface SlurmHandle {
  jobId: string;
  /** The job's directory (its environment, script, output and exit record). */
  dir: string;
}

/** A stored handle, or null for anything else (none stored, one of another launcher). */
export function asHandle(handle: unknown): SlurmHandle | null {
  const h = handle as Partial<SlurmHandle> | null;
  return h && typeof h.jobId === "string" && typeof h.dir === "string"
    ? { jobId: h.jobId, dir: h.dir }
    : null;
}

/** A job this master follows, under the allocation it runs now. */
export interface Job {
  allocationId: string;
  /** Null while it is looked for: its master died before it stored the id. */
  jobId: string | null;
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

/** The job in `dir`, its logs read from `offsets` on. */
export function followedJob(
  allocationId: string,
  jobId: string | null,
  dir: string,
  offsets: TailOffsets,
): Job {
  const files = jobFiles(dir);
  return {
    allocationId,
    jobId,
    files,
    stdout: new FileTail(files.stdout, offsets.stdout),
    stderr: new FileTail(files.stderr, offsets.stderr),
    requested: { terminate: false, kill: false },
    ending: false,
    forgotten: false,
    started: offsets.stdout + offsets.stderr > 0,
  };
}

/**
 * Gives the job's new lines to `events` (`final`: its last line too, with or
 * without its newline), waiting for room; then, once they are stored, notes
 * how far it has read, for a master that adopts the job after a restart.
 */
export async function readJobOutput(
  job: Job,
  events: LauncherEvents | null,
  final: boolean,
): Promise<void> {
  const before = job.stdout.offset + job.stderr.offset;
  const moved = () => job.stdout.offset + job.stderr.offset !== before;
  for (const stream of ["stdout", "stderr"] as const) {
    do {
      await events?.logRoom?.();
      const lines = await job[stream].read(final, READ_PIECE_BYTES);
      // Output proves the job runs: a stop that follows a line signals it, not cancels it.
      if (moved()) job.started = true;
      for (const line of lines) events?.log(job.allocationId, stream, line, new Date());
    } while (!job[stream].atEnd);
  }
  if (moved()) {
    await events?.logsStored?.();
    await writeTailOffsets(job.files, { stdout: job.stdout.offset, stderr: job.stderr.offset });
  }
}
