/**
 * A trial program run as a child process against an HTTP fake master, for
 * the tests of what signals do to a trial: the program's source, its
 * process once it printed `ready`, and how that process ended.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { onTestFinished } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { HttpFakeMaster } from "./http-fake-master.js";

/** The SDK's entry point, to import from a trial program's source. */
export const SDK_ENTRY = JSON.stringify(resolve("src/sdk/index.ts"));

/** A fake master behind HTTP, stopped when the test ends. */
export async function fakeMaster(): Promise<{ fm: FakeMaster; master: HttpFakeMaster }> {
  const fm = new FakeMaster();
  const master = new HttpFakeMaster(fm);
  await master.start();
  onTestFinished(() => master.stop());
  return { fm, master };
}

/**
 * Starts the trial program `source` with `master`'s environment and resolves
 * once it has printed `ready`; `exited` resolves with the signal that ended it.
 * The process is killed when the test ends.
 */
export async function startTrialScript(
  master: HttpFakeMaster,
  source: string,
): Promise<{ child: ChildProcessWithoutNullStreams; exited: Promise<NodeJS.Signals | null> }> {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-trial-script-"));
  const script = join(dir, "trial.mts");
  await writeFile(script, source);
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...master.env() },
    cwd: resolve("."),
  });
  onTestFinished(() => {
    child.kill("SIGKILL");
  });
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    child.on("exit", (_code, signal) => done(signal)),
  );
  await new Promise<void>((ready) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) ready();
    });
  });
  return { child, exited };
}
