/**
 * The examples run as a user first runs them: `node train.js` with no master
 * and no PUSHTUNE_* environment does a local dry run, prints what it would
 * report and exits 0.
 */
import { spawn } from "node:child_process";
import { beforeAll, expect, test } from "vitest";
import { CORE_API_DIR, ensureSdkBuilt, SYNTHETIC_DIR } from "./support/build.js";

beforeAll(ensureSdkBuilt, 180_000);

function runOffCluster(cwd: string): Promise<{ code: number | null; stdout: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("PUSHTUNE_")),
  );
  const child = spawn(process.execPath, ["train.js"], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stdout += chunk;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout })));
}

test.each([
  ["examples/synthetic", SYNTHETIC_DIR],
  ["examples/core-api", CORE_API_DIR],
])(
  "`node train.js` in %s with no master trains 100 batches and prints the dry run",
  async (_, dir) => {
    const { code, stdout } = await runOffCluster(dir);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/PUSHTUNE_MASTER is not set: one operation of 100 batches/);
    expect(stdout).toMatch(/\[dry run\] training metrics at step 100: loss=0\.05\d+/);
    expect(stdout).toMatch(/\[dry run\] validation metrics at step 100: validation_loss=0\.05\d+/);
    expect(stdout).toMatch(/\[dry run\] checkpoint \S+ at step 100/);
    expect(stdout).toMatch(/\[dry run\] operation 100 completed, searcher metric 0\.05\d+/);
  },
);

test("both examples learn exactly the same curve", async () => {
  const [synthetic, core] = await Promise.all([
    runOffCluster(SYNTHETIC_DIR),
    runOffCluster(CORE_API_DIR),
  ]);
  const reports = (out: string) =>
    out.split("\n").filter((l) => /\[dry run\] (training|validation) metrics/.test(l));
  expect(reports(core.stdout)).toEqual(reports(synthetic.stdout));
  expect(reports(core.stdout).length).toBeGreaterThan(10);
});

test("`node train.js | head -1` ends quietly once its reader has gone", async () => {
  const child = spawn(process.execPath, ["train.js"], {
    cwd: SYNTHETIC_DIR,
    env: Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("PUSHTUNE_")),
    ),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  // Read the first line, as `head -1` does, then close the pipe.
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(stderr).not.toMatch(/EPIPE/);
  expect(code, stderr).toBe(0);
});
