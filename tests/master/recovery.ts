/**
 * Exact recovery: stopping the master after any step and starting it again on
 * the same database ends the experiment with the same trials, hyperparameters
 * and lengths as a run that was never stopped.
 */
import { expect } from "vitest";
import { ashaConfig, syntheticLoss } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { summarize, TrialPlayer, type TrialSummaryRow } from "./support/trial-player.js";

async function run(
  db: "sqlite" | "postgres",
  stopAfter: number | null,
  config: Record<string, unknown>,
  /** Called on the stopped master just before it is started again. */
  beforeRestart?: (tm: TestMaster, experimentId: number) => Promise<void>,
): Promise<{ summary: TrialSummaryRow[]; steps: number }> {
  const tm = await startTestMaster({ db, slots: 3 });
  try {
    const created = await tm.admin.post<{ id: number }>("/experiments", {
      config,
      workdir: "/tmp",
    });
    const id = created.body.id;
    const player = new TrialPlayer(tm, syntheticLoss);
    if (stopAfter !== null) {
      for (let i = 0; i < stopAfter; i++) if (!(await player.advance())) break;
      await beforeRestart?.(tm, id);
      await tm.restart();
    }
    const state = await player.run(id);
    expect(state).toBe("COMPLETED");
    return { summary: await summarize(tm, id), steps: player.steps };
  } finally {
    await tm.close();
  }
}

/**
 * The same check at the steps `stopAfter` (a step past the run's end stops
 * nowhere), with `beforeRestart` checking what the stopped master left.
 */
export async function checkRecoveryAfter(
  stopAfter: number[],
  config: Record<string, unknown>,
  beforeRestart: (tm: TestMaster, experimentId: number) => Promise<void>,
): Promise<void> {
  const baseline = await run("sqlite", null, config);
  for (const k of stopAfter) {
    const resumed = await run("sqlite", k, config, beforeRestart);
    expect({ stoppedAfter: k, summary: resumed.summary }).toEqual({
      stoppedAfter: k,
      summary: baseline.summary,
    });
  }
}

export async function checkRecoveryAtEveryStep(
  db: "sqlite" | "postgres",
  stride = 1,
  config: Record<string, unknown> = ashaConfig(),
  expectedTrials = 9,
): Promise<void> {
  const baseline = await run(db, null, config);
  expect(baseline.summary.length).toBe(expectedTrials);
  expect(baseline.steps).toBeGreaterThan(15);
  for (let k = 0; k <= baseline.steps; k += stride) {
    const resumed = await run(db, k, config);
    expect({
      stoppedAfter: k,
      summary: resumed.summary.map(({ state: _, ...rest }) => rest),
    }).toEqual({
      stoppedAfter: k,
      summary: baseline.summary.map(({ state: _, ...rest }) => rest),
    });
  }
}
