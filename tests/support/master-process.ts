/**
 * A real `pushtune master` process (the built CLI when the build is current,
 * else the sources through tsx), for tests that stop it hard.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CLI, REPO } from "./cli-command.js";

export interface MasterProcess {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  output: () => string;
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** `api` for a call that must succeed: its body, or an error naming the status. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Sends `signal` and resolves with the exit code (null: ended by a signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** How to run a master other than `pushtune master` (a script that starts one its own way). */
export interface MasterCommand {
  /** A TypeScript file and its arguments, run with tsx instead of the CLI. */
  script: string[];
  /** Added to the test's environment. */
  env?: NodeJS.ProcessEnv;
}

/** `pushtune master --data-dir <dataDir> --port 0 <args>` (or `command`) as a child process of the test. */
function spawnMaster(dataDir: string, args: string[], command?: MasterCommand) {
  const argv = command
    ? ["--import", "tsx", ...command.script]
    : [...CLI, "master", "--data-dir", dataDir, "--port", "0", ...args];
  const child = spawn(process.execPath, argv, {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...command?.env, NO_COLOR: "1" },
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, output: () => out, exited };
}

export async function startMasterProcess(
  dataDir: string,
  args: string[] = [],
  command?: MasterCommand,
): Promise<MasterProcess> {
  const { child, output, exited } = spawnMaster(dataDir, args, command);
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`master did not start:\n${output()}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(output());
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => fail(new Error(`master exited with ${code}:\n${output()}`)));
  });
  const token = (await readFile(join(dataDir, "admin.token"), "utf8")).trim();
  const api: MasterProcess["api"] = async (method, path, body) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { "content-type": "application/json" } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    url,
    port: Number(new URL(url).port),
    token,
    child,
    output,
    api,
    async call<T>(method: string, path: string, body?: unknown) {
      const res = await api<T>(method, path, body);
      if (res.status >= 400) {
        throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return res.body;
    },
    async kill(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs a master that is expected not to start: resolves with its exit code
 * and everything it printed, once it has exited (killed after `seconds`).
 */
export async function runRefusedMaster(
  dataDir: string,
  args: string[] = [],
  seconds = 30,
): Promise<{ code: number | null; output: string }> {
  const { child, output, exited } = spawnMaster(dataDir, args);
  const timer = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}
