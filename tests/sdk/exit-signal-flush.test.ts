import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, onTestFinished, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { HttpFakeMaster } from "./http-fake-master.js";

test("on SIGTERM a trial delivers what it still holds, then exits by that signal", async () => {
  const fm = new FakeMaster();
  const master = new HttpFakeMaster(fm);
  await master.start();
  onTestFinished(() => master.stop());
  fm.down(); // answers 503: every report stays queued in the trial

  const dir = await mkdtemp(join(tmpdir(), "pushtune-sigterm-"));
  const script = join(dir, "trial.mts");
  await writeFile(
    script,
    `import { init } from ${JSON.stringify(resolve("src/sdk/index.ts"))};
const ctx = await init({ backoff: { initialMs: 20, maxMs: 100 }, log: () => {} });
for (let step = 1; step <= 20; step++) await ctx.train.reportTrainingMetrics(step, { loss: step });
console.log("ready");
setInterval(() => {}, 1000); // a training loop that never ends by itself
`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...master.env() },
    cwd: resolve("."),
  });
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    child.on("exit", (_code, signal) => done(signal)),
  );
  await new Promise<void>((ready) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) ready();
    });
  });
  expect(fm.trainingMetrics).toHaveLength(0);

  child.kill("SIGTERM");
  setTimeout(() => fm.up(), 300);
  expect(await exited).toBe("SIGTERM");
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual(
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
});
