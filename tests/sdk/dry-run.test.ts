import { spawn } from "node:child_process";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, test } from "vitest";
import { init } from "../../src/sdk/index.js";
import { RecordingTrainer } from "./recording-trainer.js";

test("with no PUSHTUNE_MASTER, init() runs one operation locally and prints every report", async () => {
  const lines: string[] = [];
  const checkpointDir = await mkdtemp(join(tmpdir(), "pushtune-dry-"));
  const ctx = await init({
    env: {},
    handleExitSignals: false,
    dryRun: {
      hparams: { lr: 0.1 },
      maxLength: 20,
      checkpointDir,
      print: (line) => lines.push(line),
    },
  });
  expect(ctx.dryRun).toBe(true);
  expect(ctx.hparams).toEqual({ lr: 0.1 });

  const result = await new RecordingTrainer().fit({ ctx });
  await ctx.close();

  expect(result).toEqual({ outcome: "completed", batches: 20 });
  expect(lines[0]).toMatch(/PUSHTUNE_MASTER is not set: one operation of 20 batches/);
  expect(lines).toContain("[dry run] training metrics at step 20: loss=9.5");
  expect(lines).toContain(
    "[dry run] validation metrics at step 20: validation_loss=0.047619047619047616",
  );
  expect(lines.some((l) => /operation 20 completed/.test(l))).toBe(true);
  expect(lines.some((l) => /checkpoint .* at step 20/.test(l))).toBe(true);
  expect((await readdir(checkpointDir)).filter((n) => !n.startsWith("."))).toHaveLength(1);
});

test("PUSHTUNE_HPARAMS is used in a dry run when it is set", async () => {
  const ctx = await init({
    env: { PUSHTUNE_HPARAMS: '{"lr": 0.5}' },
    handleExitSignals: false,
    dryRun: { hparams: { lr: 0.1 }, print: () => {} },
  });
  expect(ctx.hparams).toEqual({ lr: 0.5 });
  expect(ctx.config.searcher.max_length).toEqual({ unit: "batches", value: 100 });
  await ctx.close();
});

test("`node train.js` with no environment trains, prints to stdout and exits by itself", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-dry-script-"));
  const script = join(dir, "train.mts");
  const sdk = resolve("src/sdk/index.ts");
  await writeFile(
    script,
    `import { Trainer } from ${JSON.stringify(sdk)};
class Tiny extends Trainer {
  w = 0;
  trainBatch(i: number) { this.w += 1; return { loss: 1 / (i + 1) }; }
  evaluate() { return { validation_loss: 1 / this.w }; }
  save() {}
  load() {}
}
const result = await new Tiny().fit({ init: { dryRun: { maxLength: 30 } } });
console.log("result", JSON.stringify(result));
`,
  );
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("PUSHTUNE_")),
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], { env, cwd: resolve(".") });
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  expect(code).toBe(0);
  expect(stdout).toMatch(/\[dry run\] training metrics at step 30/);
  expect(stdout).toMatch(/\[dry run\] operation 30 completed/);
  expect(stdout).toMatch(/result {"outcome":"completed","batches":30}/);
});
