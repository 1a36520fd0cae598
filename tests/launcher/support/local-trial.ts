/**
 * One trial run by a real local launcher, with what it logged and how its
 * exit was reported; and what is left of a process group, read from /proc.
 */
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { ExitInfo } from "../../../src/master/launcher/launcher.js";
import { LocalLauncher } from "../../../src/master/launcher/local-launcher.js";

export interface LocalTrial {
  launcher: LocalLauncher;
  /** The process group the trial runs in (the pid of its `sh`). */
  pid: number;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first stdout line `test` accepts. */
  line(test: (line: string) => boolean): Promise<string>;
  /** Resolves when the exit is reported. */
  exit: Promise<ExitInfo>;
}

/** `logRoom`: what the master answers when the launcher asks whether it may read more output. */
export async function startTrial(
  entrypoint: string,
  logRoom?: () => Promise<void> | null,
): Promise<LocalTrial> {
  const launcher = new LocalLauncher({ slots: 1 });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiting: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let exited: (info: ExitInfo) => void = () => {};
  const exit = new Promise<ExitInfo>((resolve) => {
    exited = resolve;
  });
  launcher.attach({
    exited: (_id, info) => exited(info),
    ...(logRoom ? { logRoom } : {}),
    log: (_id, stream, line) => {
      (stream === "stdout" ? stdout : stderr).push(line);
      if (stream !== "stdout") return;
      for (const w of waiting.splice(0)) {
        if (w.test(line)) w.resolve(line);
        else waiting.push(w);
      }
    },
  });
  const handle = await launcher.launch({
    allocationId: "a1",
    trialId: 1,
    experimentId: 1,
    workdir: tmpdir(),
    entrypoint,
    env: {},
    slots: 1,
  });
  const line = (test: (line: string) => boolean) =>
    new Promise<string>((resolve) => {
      const seen = stdout.find(test);
      if (seen !== undefined) resolve(seen);
      else waiting.push({ test, resolve });
    });
  return { launcher, pid: handle.pid, stdout, stderr, line, exit };
}

/** `promise`'s value, or "timed out" after `ms`: a bound to assert against, not a measure. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | "timed out"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** State and process group of a live process (a zombie has ended), or null. */
function stat(pid: number): { state: string; pgrp: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" ? null : { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  return stat(pid) !== null;
}

/** Pids of the live processes in process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => stat(pid)?.pgrp === pgid);
}

/** Waits, at most `ms`, until `pids()` is empty; returns what is left. */
export async function gone(pids: () => number[], ms = 10_000): Promise<number[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = pids();
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills a process or a group (negative pid) a test left behind, if any. */
export function cleanUp(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Ends what a test left of `trial` (its process group, its launcher); for an afterEach. */
export async function endTrial(trial: LocalTrial | null): Promise<void> {
  if (trial) cleanUp(-trial.pid);
  await trial?.launcher.close();
}
