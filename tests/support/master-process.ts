/** A real `pushtune master` process (run from source with tsx), for tests that stop it hard. */
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface MasterProcess {
  url: string;
  token: string;
  child: ChildProcess;
  output: () => string;
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startMasterProcess(
  dataDir: string,
  args: string[] = [],
): Promise<MasterProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "src/cli/main.ts"),
      "master",
      "--data-dir",
      dataDir,
      "--port",
      "0",
      ...args,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`master did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => fail(new Error(`master exited with ${code}:\n${out}`)));
  });
  const token = (await readFile(join(dataDir, "admin.token"), "utf8")).trim();
  return {
    url,
    token,
    child,
    output: () => out,
    async api(method, path, body) {
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
    },
    async kill(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      await gone;
    },
  };
}
