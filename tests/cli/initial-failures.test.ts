/**
 * A script that fails for every trial (here: every run exits 1 before it
 * reports anything) stops the search at the third failed trial
 * (`max_initial_failures: 3`, the default), not after every trial and its
 * restarts: the experiment ends ERROR saying so, the trials it still had end
 * CANCELED (they did not fail themselves), no further trial is created, and
 * `experiment describe` names the reason and quotes a trial that did fail.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { FIRST_TRIALS_INVALID } from "../../src/searcher/search-end.js";
import { running, trial } from "../master/support/trial.js";
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

test("a script that refuses every trial's hyperparameters stops at its hundredth trial", async () => {
  const id = await createExperiment(m.tm, { max_trials: 12 }, { max_restarts: 1 });
  // Every trial says its hyperparameters are invalid (a check the wrong way round) and exits 0.
  for (let runs = 0; running(m.tm).some((s) => s.experimentId === id); runs++) {
    if (runs > 3 * FIRST_TRIALS_INVALID) throw new Error("the search did not stop");
    const spec = running(m.tm).find((s) => s.experimentId === id)!;
    const t = trial(m.tm, spec.trialId);
    expect((await t.api.post(`/trials/${t.id}/early_exit`, { reason: "INVALID_HP" })).status).toBe(
      200,
    );
    await t.exit(0);
  }
  const exp = await m.tm.store.getExperiment(id);
  expect(exp).toMatchObject({
    state: "ERROR",
    endReason: `the first ${FIRST_TRIALS_INVALID} trials all exited with invalid hyperparameters (INVALID_HP) before any trial reported a validation`,
  });
  const trials = await m.tm.store.listTrials({ experimentId: id });
  // Each ends as it reported, the last one too, whose process the failed search stopped.
  const invalid = trials.filter((t) => t.endReason === "early exit: INVALID_HP");
  expect(invalid.map((t) => t.state)).toEqual(Array(FIRST_TRIALS_INVALID).fill("COMPLETED"));
  // Those it had open then (one of them created to replace the last) are stopped with it.
  expect(trials.length - FIRST_TRIALS_INVALID).toBeLessThanOrEqual(4);
  expect(
    trials
      .filter((t) => t.endReason !== "early exit: INVALID_HP")
      .every((t) => t.state === "CANCELED"),
  ).toBe(true);
});
