/**
 * The files of one Slurm job, in a directory of its own on the file system
 * the master and the compute nodes share:
 *
 * - `env` (0600): the trial's environment, token included. The batch script
 *   reads it and removes it, so no secret is ever on a command line that `ps`
 *   or `squeue` shows, nor left on disk once the job runs.
 * - `job.sh`: the batch script (below).
 * - `stdout.log`, `stderr.log`: what the trial writes, tailed by the master.
 * - `exit`: how the trial ended, written by the batch script; it outlives
 *   Slurm's memory of the job, so a master that comes back late still reads it.
 * - `tail`: how far the master has read the logs, so that a master that
 *   adopts the job after a restart goes on from there.
 * - `forgotten`: the job's experiment was deleted while it ran; the
 *   directory goes once the job has ended, by this master or the next.
 */

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { passable } from "../../../protocol/long-variables.js";
import { THREAD_COUNT_NAMES } from "../trial-env.js";

export interface JobFiles {
  dir: string;
  env: string;
  script: string;
  stdout: string;
  stderr: string;
  exit: string;
  tail: string;
  forgotten: string;
}

export function jobFiles(dir: string): JobFiles {
  return {
    dir,
    env: join(dir, "env"),
    script: join(dir, "job.sh"),
    stdout: join(dir, "stdout.log"),
    stderr: join(dir, "stderr.log"),
    exit: join(dir, "exit"),
    tail: join(dir, "tail"),
    forgotten: join(dir, "forgotten"),
  };
}

/** How the batch script saw its trial end. */
export interface ExitRecord {
  /** The shell's status of the trial: its exit code, or 128 + the signal that ended it. */
  status: number;
  /** The batch script was sent SIGTERM (and passed it on to the trial). */
  terminated: boolean;
}

/** Where the master has read the logs up to, in bytes. */
export interface TailOffsets {
  stdout: number;
  stderr: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `value` as one word for `sh`, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The thread pools of a job's trial are sized to the CPUs Slurm gave the job
 * (`--cpus-per-task`, else all of the node's that it holds), as the local
 * launcher sizes them to a trial's slots (`threadCountDefaults`): the
 * experiment's own `environment.variables` win, and its `OMP_NUM_THREADS`
 * sizes them all. Shell lines, run after the environment file is read.
 */
function threadCountLines(): string {
  const [omp, ...others] = THREAD_COUNT_NAMES;
  return [
    `${omp}="\${${omp}:-\${SLURM_CPUS_PER_TASK:-\${SLURM_CPUS_ON_NODE:-1}}}"`,
    ...others.map((name) => `${name}="\${${name}:-$${omp}}"`),
    `export ${THREAD_COUNT_NAMES.join(" ")}`,
  ].join("\n");
}

/**
 * The batch script. Slurm signals this shell alone (`--signal=B:TERM@…` near
 * the time limit or on preemption, `scancel --batch --signal=TERM` from the
 * master): it passes SIGTERM on to the trial and waits for it to end, however
 * many signals interrupt the wait (a reaped child no longer answers `kill -0`,
 * a zombie still does). A wait a signal interrupts answers 128 + the signal's
 * number even when the shell reaped the child meanwhile: the next `wait`
 * then gives the child's own status (127 once it was given already).
 *
 * The entrypoint runs under `sh -c` in a process group of its own (`setsid`),
 * and SIGTERM goes to the whole group, so it reaches the trial's program
 * itself and not only the shell around it (`sh -c` does not exec its last
 * command). That shell, told to stop, lets the command it runs finish and
 * exits with its status (`trap 'exit $?' TERM`), so the exit record holds
 * the trial's own end: 0 after it checkpointed and stopped as for a
 * preemption, 128 + n when a signal ended it.
 */
export function batchScript(files: JobFiles, entrypoint: string): string {
  const dir = shellQuote(files.dir);
  return `#!/bin/sh
# A pushtune trial as a Slurm batch job.
set -a
. ${dir}/env
set +a
${threadCountLines()}
rm -f ${dir}/env ${dir}/exit
term=0
child=
trap 'term=1; [ -n "$child" ] && kill -s TERM -- "-$child" 2>/dev/null' TERM
setsid sh -c ${shellQuote(`trap 'exit $?' TERM
${entrypoint}`)} </dev/null &
child=$!
[ "$term" = 1 ] && kill -s TERM -- "-$child" 2>/dev/null
while :; do
  wait "$child"
  status=$?
  [ "$status" -le 128 ] && break
  kill -0 "$child" 2>/dev/null && continue
  wait "$child"
  reaped=$?
  [ "$reaped" != 127 ] && status=$reaped
  break
done
printf '%s %s\\n' "$status" "$term" > ${dir}/exit.tmp && mv ${dir}/exit.tmp ${dir}/exit
exit "$status"
`;
}

/**
 * Writes a new job's directory; throws for an environment name `sh` cannot
 * set. The job's process gets `env` as a process may be given it (`passable`).
 */
export async function writeJobFiles(
  files: JobFiles,
  entrypoint: string,
  env: Record<string, string>,
): Promise<void> {
  const lines = Object.entries(passable(env)).map(([name, value]) => {
    if (!NAME.test(name))
      throw new Error(`environment variable ${JSON.stringify(name)} cannot be set in a Slurm job`);
    return `${name}=${shellQuote(value)}\n`;
  });
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  await writeFile(files.env, lines.join(""), { mode: 0o600 });
  await writeFile(files.script, batchScript(files, entrypoint), { mode: 0o700 });
}

/** The job's exit record, or null while there is none (the job runs, or was killed). */
export async function readExitRecord(files: JobFiles): Promise<ExitRecord | null> {
  const text = await readFile(files.exit, "utf8").catch(() => null);
  const m = text === null ? null : /^(\d+) ([01])\s*$/.exec(text);
  return m ? { status: Number(m[1]), terminated: m[2] === "1" } : null;
}

export async function readTailOffsets(files: JobFiles): Promise<TailOffsets> {
  try {
    const o = JSON.parse(await readFile(files.tail, "utf8")) as Partial<TailOffsets>;
    return { stdout: Number(o.stdout) || 0, stderr: Number(o.stderr) || 0 };
  } catch {
    return { stdout: 0, stderr: 0 };
  }
}

/**
 * Replaces the offsets at once (a rename), so a master stopped mid-write
 * finds the old ones; one that cannot write them keeps the old ones too.
 */
export async function writeTailOffsets(files: JobFiles, offsets: TailOffsets): Promise<void> {
  try {
    await writeFile(`${files.tail}.tmp`, JSON.stringify(offsets));
    await rename(`${files.tail}.tmp`, files.tail);
  } catch {
    // The next read writes them again; a restart reads those lines again meanwhile.
  }
}
