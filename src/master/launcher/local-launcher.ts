/**
 * The local launcher: each allocation is `sh -c <entrypoint>` in the
 * experiment's workdir, in a process group of its own (so a kill reaches
 * everything the trial started), with stdout and stderr read line by line
 * (a line past `MAX_LINE_BYTES` in pieces, as `LineSplitter` cuts it). The
 * allocation has exited when that `sh` exits: what is left of its group is
 * killed then, whether or not it still holds the pipes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Readable } from "node:stream";
import { passable } from "../../protocol/long-variables.js";
import type { Launcher, LauncherEvents, LaunchSpec } from "./launcher.js";
import { LineSplitter } from "./line-splitter.js";
import { inheritedEnv, threadCountDefaults } from "./trial-env.js";
import { localWorkdirIssue } from "./workdir-issue.js";

/**
 * How long the pipes of a trial whose main process has exited are still read
 * for the last lines, when something else holds them open.
 */
const PIPE_DRAIN_MS = 1_500;

interface Handle {
  pid: number;
  /** Start time of the process as the kernel reports it, to tell a reused pid apart. */
  startedAt: number;
}

/** A live process and the allocation it runs now (it may take trial after trial). */
interface Child {
  process: ChildProcess;
  handle: Handle;
  allocationId: string;
}

export interface LocalLauncherOptions {
  slots?: number;
  /**
   * The environment trials inherit from, through `inheritedEnv`'s allow-list
   * (PATH, HOME, locale, …). Defaults to the master's own.
   */
  baseEnv?: NodeJS.ProcessEnv;
}

export class LocalLauncher implements Launcher {
  readonly totalSlots: number;
  readonly kind = "local";
  private events: LauncherEvents | null = null;
  /** By the allocation each process runs now. */
  private readonly children = new Map<string, Child>();
  private readonly baseEnv: Record<string, string>;

  constructor(options: LocalLauncherOptions = {}) {
    this.totalSlots = options.slots ?? availableParallelism();
    this.baseEnv = inheritedEnv(options.baseEnv ?? process.env);
  }

  attach(events: LauncherEvents): void {
    this.events = events;
  }

  workdirIssue(workdir: string): Promise<string | null> {
    return localWorkdirIssue(workdir);
  }

  async launch(spec: LaunchSpec): Promise<Handle> {
    const env = {
      ...this.baseEnv,
      // Thread pools sized to the trial's slots unless its experiment sizes them.
      ...threadCountDefaults(spec.slots, spec.env),
      ...passable(spec.env),
    };
    const child = spawnOrExplain(spec.entrypoint, spec.workdir, env);
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid!));
      child.once("error", reject);
    });
    const entry: Child = {
      process: child,
      handle: { pid, startedAt: processStartTime(pid) ?? 0 },
      allocationId: spec.allocationId,
    };
    this.children.set(spec.allocationId, entry);
    const streams: Promise<void>[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      streams.push(
        readLines(
          child[stream]!,
          (line) => this.events?.log(entry.allocationId, stream, line, new Date()),
          () => this.events?.logRoom?.() ?? null,
        ),
      );
    }
    child.once("exit", (code, signal) => {
      // The trial ends with its main process. Its pipes may outlive it, held
      // by what it started in the background (`tensorboard &`) or by a process
      // that left its group (setsid): the last lines get PIPE_DRAIN_MS to
      // arrive, then the pipes are closed on this side.
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, PIPE_DRAIN_MS);
      void Promise.all(streams).then(() => {
        clearTimeout(drain);
        // Nothing the trial started outlives it. No other process can take
        // the group's id while anything is left in it.
        killGroup(pid);
        this.children.delete(entry.allocationId);
        this.events?.exited(entry.allocationId, { exitCode: code, signal, lost: false });
      });
    });
    return entry.handle;
  }

  /**
   * The process wrote its last lines to its pipes before it sent its ask, but
   * the ask may be handled first, without the event loop ever polling the
   * pipes between (SQLite answers in microtasks). Two turns of the loop let it
   * read what was already there.
   */
  async settleOutput(): Promise<void> {
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  handOver(from: string, to: LaunchSpec): Handle | null {
    const entry = this.children.get(from);
    if (!entry || entry.process.exitCode !== null || entry.process.signalCode !== null) return null;
    this.children.delete(from);
    entry.allocationId = to.allocationId;
    this.children.set(to.allocationId, entry);
    return entry.handle;
  }

  async terminate(allocationId: string, _handle: unknown): Promise<void> {
    this.signal(allocationId, "SIGTERM");
  }

  async kill(allocationId: string, _handle: unknown): Promise<void> {
    this.signal(allocationId, "SIGKILL");
  }

  /**
   * Signals the process group of the allocation's process, while that
   * process runs it. Nothing else: an allocation that has exited, or whose
   * process took the next trial, is not this one's to stop, and its handle's
   * pid may be another process's by now.
   */
  private signal(allocationId: string, signal: NodeJS.Signals): void {
    const entry = this.children.get(allocationId);
    if (!entry) return;
    try {
      process.kill(-entry.handle.pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * A process group left by a previous master cannot report to this one
   * (its pipes died with the old master), so it is stopped, never adopted.
   * One whose master died before it stored the pid is found by the
   * allocation id in its environment.
   */
  async recover(allocationId: string, handle: unknown): Promise<"adopted" | "stopped"> {
    const h = handle as Handle | null;
    if (h?.pid) {
      if (processStartTime(h.pid) === h.startedAt) killGroup(h.pid);
    } else for (const pid of processesOf(allocationId)) killGroup(pid);
    return "stopped";
  }

  async close(): Promise<void> {
    for (const child of this.children.values()) killGroup(child.handle.pid);
    this.children.clear();
  }
}

/** SIGKILL to a process group, if anything is left in it. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Reads a pipe into lines; resolves once it is closed and its last line
 * given out. While `room()` says the lines cannot be taken yet, the pipe is
 * not read: the trial's writes wait once the pipe's buffer is full.
 */
function readLines(
  pipe: Readable,
  onLine: (line: string) => void,
  room: () => Promise<void> | null,
): Promise<void> {
  const splitter = new LineSplitter(onLine);
  pipe.on("data", (chunk: Buffer) => {
    splitter.push(chunk);
    const wait = room();
    if (wait) {
      pipe.pause();
      void wait.then(() => pipe.resume());
    }
  });
  return new Promise((resolve) =>
    pipe.once("close", () => {
      splitter.end();
      resolve();
    }),
  );
}

/** Fields from 3 on of /proc/<pid>/stat, or null where there is no such process or no /proc. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or null. */
function processStartTime(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[19]) : null;
}

/**
 * The process groups of the processes whose environment names allocation
 * `allocationId` (`PUSHTUNE_ALLOCATION_ID`, which all its trial's processes
 * inherit), read from /proc: none where there is none, and only this user's.
 */
function processesOf(allocationId: string): number[] {
  const entry = Buffer.from(`\0PUSHTUNE_ALLOCATION_ID=${allocationId}\0`);
  const groups = new Set<number>();
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`)]);
      const group = environ.includes(entry) ? Number(statFields(Number(pid))?.[2]) : 0;
      if (group > 1) groups.add(group);
    } catch {
      // gone, or another user's
    }
  }
  // Never the master's own, whatever its environment holds.
  groups.delete(Number(statFields(process.pid)?.[2]));
  return [...groups];
}

/**
 * The trial's process, in its own process group (`kill(-pid)` reaches the
 * whole tree). An environment the system refuses (E2BIG) is named by its
 * longest variable.
 */
function spawnOrExplain(entrypoint: string, cwd: string, env: Record<string, string>) {
  try {
    return spawn("sh", ["-c", entrypoint], {
      cwd,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "E2BIG") throw err;
    const [name, value] = Object.entries(env).reduce((a, b) => (b[1].length > a[1].length ? b : a));
    const kib = Math.ceil(Buffer.byteLength(value) / 1024);
    throw new Error(
      `spawn E2BIG: the trial's environment is too long to start a process: ${name} holds ${kib} KiB, and a variable over 128 KiB cannot be passed (see the experiment's environment.variables)`,
    );
  }
}
