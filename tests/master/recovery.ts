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

/**
 * Calls `fn` on every item, at most `width` calls at a time, and resolves
 * with their results in the items' order once every call has ended; after a
 * call fails no more are started, and the first failure is thrown.
 */
async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && failures.length === 0) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (err) {
        failures.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
  return results;
}

/**
 * Runs stopped after different steps are independent (a master and a
 * database each): on PostgreSQL, whose round trips they mostly wait on, a
 * few run at a time; on SQLite, whose calls hold the thread, one.
 */
const RUNS_AT_A_TIME = { sqlite: 1, postgres: 4 };

export async function checkRecoveryAtEveryStep(
  db: "sqlite" | "postgres",
  stride = 1,
  config: Record<string, unknown> = ashaConfig(),
  expectedTrials = 9,
): Promise<void> {
  const baseline = await run(db, null, config);
  expect(baseline.summary.length).toBe(expectedTrials);
  expect(baseline.steps).toBeGreaterThan(15);
  const stops: number[] = [];
  for (let k = 0; k <= baseline.steps; k += stride) stops.push(k);
  const resumed = await inParallel(stops, RUNS_AT_A_TIME[db], (k) => run(db, k, config));
  for (const [i, k] of stops.entries()) {
    expect({
      stoppedAfter: k,
      summary: resumed[i]!.summary.map(({ state: _, ...rest }) => rest),
    }).toEqual({
      stoppedAfter: k,
      summary: baseline.summary.map(({ state: _, ...rest }) => rest),
    });
  }
}
