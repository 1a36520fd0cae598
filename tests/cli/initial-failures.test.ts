/**
 * A script that fails for every trial (here: every run exits 1 before it
 * reports anything) stops the search at the third failed trial
 * (`max_initial_failures: 3`, the default), not after every trial and its
 * restarts: the experiment ends ERROR saying so, the trials it still had end
 * CANCELED (they did not fail themselves), no further trial is created, and
 * `experiment describe` names the reason and quotes a trial that did fail.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { running } from "../master/support/trial.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { runInProcess } from "./support/fake-io.js";

let m: CliMaster;
let experimentId: number;

beforeAll(async () => {
  m = await startCliMaster({ slots: 2 });
  experimentId = await createExperiment(m.tm, { max_trials: 12 }, { max_restarts: 1 });
  // Every run of every trial crashes, until nothing runs any more.
  for (let runs = 0; running(m.tm).length > 0; runs++) {
    if (runs > 100) throw new Error("the search did not stop");
    const [spec] = running(m.tm);
    m.tm.launcher.log(spec!.allocationId, "ReferenceError: consol is not defined", "stderr");
    m.tm.launcher.exit(spec!.allocationId, { exitCode: 1, signal: null });
    await m.tm.settle();
  }
});
afterAll(async () => m?.close());

test("the search stops at the third failed trial, and the rest end CANCELED", async () => {
  const exp = await m.tm.store.getExperiment(experimentId);
  expect(exp?.state).toBe("ERROR");
  expect(exp?.endReason).toBe(
    "3 trials failed before any trial reported a validation (max_initial_failures 3)",
  );
  const trials = await m.tm.store.listTrials({ experimentId });
  const states = trials.map((t) => t.state);
  expect(states.filter((s) => s === "ERROR")).toHaveLength(3);
  expect(states.filter((s) => s !== "ERROR").every((s) => s === "CANCELED")).toBe(true);
  // The trials the search had open when the third failed, not the twelve of the search.
  expect(trials.length).toBeLessThan(12);
});

test("experiment describe says why the search failed and quotes a failed trial", async () => {
  const r = await runInProcess(["experiment", "describe", String(experimentId)], { env: m.env });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(
    "(3 trials failed before any trial reported a validation (max_initial_failures 3))",
  );
  const lines = r.stdout.split("\n");
  const at = lines.indexOf("the last of 3 failed trials");
  expect(at).toBeGreaterThan(0);
  expect(lines[at + 2]).toBe(
    "reason  crashed (exit code 1); failed 2 times (max_restarts 1); last log lines:",
  );
  expect(lines[at + 3]).toBe("        ReferenceError: consol is not defined");
});
