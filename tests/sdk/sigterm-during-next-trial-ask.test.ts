/**
 * A process under trials() that checkpointed and acknowledged a stop the
 * master asked for keeps both back for its ask for the next trial. A SIGTERM
 * while that ask is still unanswered (the master is down for a moment) must
 * not lose them: the trial would resume from an older checkpoint.
 */
import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, onTestFinished, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { HttpFakeMaster } from "./http-fake-master.js";

test("a SIGTERM while the ask for the next trial goes unanswered still delivers the checkpoint and acknowledgement it carries", async () => {
  const fm = new FakeMaster();
  const master = new HttpFakeMaster(fm);
  await master.start();
  onTestFinished(() => master.stop());
  fm.preempt();

  const dir = await mkdtemp(join(tmpdir(), "pushtune-sigterm-ask-"));
  const script = join(dir, "trial.mts");
  await writeFile(
    script,
    `import { trials } from ${JSON.stringify(resolve("src/sdk/index.ts"))};
const options = { backoff: { initialMs: 20, maxMs: 100 }, log: () => {} };
const all = trials(options);
const ctx = (await all.next()).value;
while (!ctx.preempt.shouldPreempt()) await new Promise((r) => setTimeout(r, 10));
await ctx.checkpoint.store({ stepsCompleted: 20 }, () => {});
await ctx.preempt.acknowledge();
console.log("ready");
await new Promise((r) => process.stdin.once("data", r));
setInterval(() => {}, 1000);
await all.next(); // the body ends: the process asks for its next trial
`,
  );
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

  fm.down(); // the ask gets 503 and is repeated
  child.stdin.write("go\n");
  while (!master.received.some((r) => r.endsWith("/next_trial")))
    await new Promise((r) => setTimeout(r, 10));
  child.kill("SIGTERM");
  setTimeout(() => fm.up(), 300);
  await exited;

  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([20]);
});
