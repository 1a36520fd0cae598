/**
 * A search whose trials all fail says why where its user looks first: the
 * `--follow` summary and `experiment describe` quote the last failed trial's
 * end reason, the failing run's last log lines (not every run's), one per
 * line, and `trial describe` shows those lines under its `ended` field.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { running, trial } from "../master/support/trial.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { runInProcess } from "./support/fake-io.js";

let m: CliMaster;
let experimentId: number;
let trialId: number;

beforeAll(async () => {
  m = await startCliMaster({ slots: 1 });
  experimentId = await createExperiment(m.tm, { max_trials: 1 }, { max_restarts: 1 });
  trialId = running(m.tm)[0]!.trialId;
  for (const run of [1, 2]) {
    const t = trial(m.tm, trialId);
    m.tm.launcher.log(t.spec.allocationId, "Traceback (most recent call last):", "stderr");
    m.tm.launcher.log(t.spec.allocationId, `ImportError: run ${run} found no torch`, "stderr");
    await t.exit(1);
  }
  await m.tm.settle();
});
afterAll(async () => m?.close());

test("experiment describe quotes the failed trial's last run, line by line", async () => {
  const r = await runInProcess(["experiment", "describe", String(experimentId)], { env: m.env });
  expect(r.code).toBe(0);
  const lines = r.stdout.split("\n");
  const at = lines.indexOf("failed trial");
  expect(at).toBeGreaterThan(0);
  expect(lines.slice(at + 1, at + 6)).toEqual([
    `trial   ${trialId} (2 restarts)`,
    "reason  crashed (exit code 1); failed 2 times (max_restarts 1); last log lines:",
    "        Traceback (most recent call last):",
    "        ImportError: run 2 found no torch",
    `output  pushtune trial logs ${trialId}`,
  ]);
  expect(r.stdout).not.toContain("run 1 found");
});

test("trial describe shows the reason's lines under its ended field", async () => {
  const r = await runInProcess(["trial", "describe", String(trialId)], { env: m.env });
  expect(r.code).toBe(0);
  const lines = r.stdout.split("\n");
  expect(lines.find((l) => l.startsWith("current op "))).toMatch(/train to .* \(not done\)$/);
  const ended = lines.findIndex((l) => l.startsWith("ended "));
  expect(lines[ended]).toMatch(/\(crashed \(exit code 1\); .*last log lines:$/);
  const indent = " ".repeat(lines[ended]!.indexOf(lines[ended]!.slice(6).trimStart()));
  expect(lines.slice(ended + 1, ended + 3)).toEqual([
    `${indent}Traceback (most recent call last):`,
    `${indent}ImportError: run 2 found no torch)`,
  ]);
});

test("experiment list and describe show a failed search as failed, not as 100% done", async () => {
  const list = await runInProcess(["experiment", "list", "--all"], { env: m.env });
  expect(list.code).toBe(0);
  const row = list.stdout.split("\n").find((l) => l.trimStart().startsWith(`${experimentId} `));
  expect(row).toMatch(/\bERROR\b.*\bfailed\b/);
  expect(row).not.toContain("100%");
  const described = await runInProcess(["experiment", "describe", String(experimentId)], {
    env: m.env,
  });
  expect(described.stdout.split("\n").find((l) => l.startsWith("progress"))).toMatch(
    /^progress\s+failed$/,
  );
});
