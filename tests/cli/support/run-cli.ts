/**
 * Runs `pushtune` the way a user does: a child process running the built CLI
 * (`node dist/cli/main.js …`, as `npm test` builds first; from source through
 * tsx when the build is missing or older than the sources) with a clean
 * environment (no PUSHTUNE_* from the test's own), stdout and stderr captured,
 * and optional stdin text.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { CLI, REPO } from "../../support/cli-command.js";

export { REPO };

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when `pattern` shows up on stdout (or rejects after `timeoutMs`). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  result: Promise<CliResult>;
}

export interface CliOptions {
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("PUSHTUNE_") && k !== "NO_COLOR" && k !== "COLUMNS") env[k] = v;
  }
  return { ...env, ...extra };
}

export function spawnCli(args: string[], options: CliOptions = {}): CliRun {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: cleanEnv(options.env ?? {}),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers: (() => boolean)[] = [];
  const unwatch = (w: () => boolean) => {
    const i = watchers.indexOf(w);
    if (i >= 0) watchers.splice(i, 1);
  };
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    stdout += s;
    for (const w of [...watchers]) w();
  });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`pushtune ${args.join(" ")} ran over ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput(pattern, waitMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stdout)) return false;
          unwatch(check);
          clearTimeout(timer);
          resolve();
          return true;
        };
        const timer = setTimeout(() => {
          unwatch(check);
          reject(new Error(`no ${pattern} in output:\n${stdout}\n${stderr}`));
        }, waitMs);
        watchers.push(check);
        check();
      });
    },
    result,
  };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).result;
}

/** Parses stdout as JSON, failing with the whole output when it is not. */
export function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}
