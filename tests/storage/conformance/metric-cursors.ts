/**
 * Cursors over metrics while pushes overlap. On PostgreSQL transactions run
 * side by side and ids come from one sequence: a push can take an id before
 * another and commit after it. A reader that has gone past a row's id must
 * never find that row commit behind it. (SQLite runs one transaction at a
 * time: there the second push and the first read simply wait for the first.)
 */
import { expect, test } from "vitest";
import type { MetricReportInput, TrialRow } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial } from "./context.js";

const validation = (steps: number): MetricReportInput[] => [
  {
    group: "validation",
    stepsCompleted: steps,
    metrics: { validation_loss: 1 / steps },
    reportTime: new Date(),
  },
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function metricCursorTests(ctx: ConformanceContext): void {
  /**
   * `first` pushes and holds its transaction open; `second` pushes meanwhile;
   * `read` follows its cursor once while the first is open (the second has
   * committed by then, or is waiting for the first), and once after both.
   * Returns the trial ids `read` saw, in order.
   */
  async function pushedAcross(
    first: TrialRow,
    second: TrialRow,
    read: (after: number) => Promise<{ id: number; trialId: number }[]>,
  ): Promise<number[]> {
    const { store } = ctx;
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let inserted = () => {};
    const firstInserted = new Promise<void>((r) => {
      inserted = r;
    });
    const firstPush = store.transaction(async (tx) => {
      await tx.addMetrics(first.id, 0, validation(1));
      inserted();
      await held;
    });
    // A push that fails fails the test here rather than leaving it waiting.
    await Promise.race([firstInserted, firstPush]);
    const secondPush = store.addMetrics(second.id, 0, validation(2));
    await Promise.race([secondPush, pause(300)]);

    const seen: number[] = [];
    let after = 0;
    const follow = async () => {
      const rows = await read(after);
      seen.push(...rows.map((r) => r.trialId));
      if (rows.length > 0) after = rows[rows.length - 1]!.id;
    };
    const firstRead = follow();
    await Promise.race([firstRead, pause(300)]);
    release();
    await Promise.all([firstPush, secondPush, firstRead]);
    await follow();
    return seen;
  }

  test("an experiment's validations cursor reads a validation that committed after a later one", async () => {
    const exp = await newExperiment(ctx.store);
    const [a, b] = [await newTrial(ctx.store, exp, 1), await newTrial(ctx.store, exp, 2)];
    const seen = await pushedAcross(a, b, (after) =>
      ctx.store.listMetrics({ experimentId: exp.id, after, limit: 100 }),
    );
    expect(seen.sort()).toEqual([a.id, b.id].sort());
  });

  test("an experiment's validation values cursor reads a validation that committed after a later one", async () => {
    const exp = await newExperiment(ctx.store);
    const [a, b] = [await newTrial(ctx.store, exp, 1), await newTrial(ctx.store, exp, 2)];
    const seen = await pushedAcross(a, b, (after) =>
      ctx.store.listExperimentValidationValues({
        experimentId: exp.id,
        metric: "validation_loss",
        after,
        limit: 100,
      }),
    );
    expect(seen.sort()).toEqual([a.id, b.id].sort());
  });

  test("a trial's metrics cursor reads every push of the trial, however they overlap", async () => {
    const exp = await newExperiment(ctx.store);
    const a = await newTrial(ctx.store, exp, 1);
    const seen = await pushedAcross(a, a, (after) =>
      ctx.store.listMetrics({ trialId: a.id, after, limit: 100 }),
    );
    expect(seen).toEqual([a.id, a.id]);
  });
}
