/**
 * The local launcher: each allocation is `sh -c <entrypoint>` in the
 * experiment's workdir, in a process group of its own (so a kill reaches
 * everything the trial started), with stdout and stderr read line by line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import type { Launcher, LauncherEvents, LaunchSpec } from "./launcher.js";

interface Handle {
  pid: number;
  /** Start time of the process as the kernel reports it, to tell a reused pid apart. */
  startedAt: number;
}

export interface LocalLauncherOptions {
  slots?: number;
  /** Extra environment for every trial (PATH, NODE_OPTIONS …). Defaults to the master's own. */
  baseEnv?: NodeJS.ProcessEnv;
}

export class LocalLauncher implements Launcher {
  readonly totalSlots: number;
  private events: LauncherEvents | null = null;
  private readonly children = new Map<string, ChildProcess>();
  private readonly baseEnv: NodeJS.ProcessEnv;

  constructor(options: LocalLauncherOptions = {}) {
    this.totalSlots = options.slots ?? availableParallelism();
    this.baseEnv = options.baseEnv ?? process.env;
  }

  attach(events: LauncherEvents): void {
    this.events = events;
  }

  async launch(spec: LaunchSpec): Promise<Handle> {
    const child = spawn("sh", ["-c", spec.entrypoint], {
      cwd: spec.workdir,
      env: { ...this.baseEnv, ...spec.env },
      detached: true, // its own process group: `kill(-pid)` reaches the whole tree
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid!));
      child.once("error", reject);
    });
    this.children.set(spec.allocationId, child);
    const streams: Promise<void>[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      const lines = createInterface({ input: child[stream]!, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on("line", (line) => this.events?.log(spec.allocationId, stream, line, new Date()));
      streams.push(new Promise((resolve) => lines.once("close", resolve)));
    }
    child.once("exit", (code, signal) => {
      // Report the exit only after the last lines are read.
      void Promise.all(streams).then(() => {
        this.children.delete(spec.allocationId);
        this.events?.exited(spec.allocationId, { exitCode: code, signal, lost: false });
      });
    });
    return { pid, startedAt: processStartTime(pid) ?? 0 };
  }

  async kill(allocationId: string, handle: unknown): Promise<void> {
    const child = this.children.get(allocationId);
    const pid = child?.pid ?? (handle as Handle | null)?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }

  /**
   * A process group left by a previous master cannot report to this one
   * (its pipes died with the old master), so it is stopped, never adopted.
   */
  async recover(_allocationId: string, handle: unknown): Promise<"adopted" | "stopped"> {
    const h = handle as Handle | null;
    if (h?.pid && processStartTime(h.pid) === h.startedAt) {
      try {
        process.kill(-h.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    return "stopped";
  }

  async close(): Promise<void> {
    for (const child of this.children.values()) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
    this.children.clear();
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or null where there is no /proc. */
function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[19]);
  } catch {
    return null;
  }
}
