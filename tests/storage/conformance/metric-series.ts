import { expect, test } from "vitest";
import { encodeMetrics } from "../../../src/master/storage/codec.js";
import type { MetricGroup, MetricRow, Store } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial } from "./context.js";

function reports(group: MetricGroup, steps: number[], value = 1) {
  return steps.map((s) => ({
    group,
    stepsCompleted: s,
    metrics: { [group === "training" ? "loss" : "validation_loss"]: value / s },
    reportTime: new Date(Date.UTC(2030, 0, 1) + s),
  }));
}

const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** Reads a whole series page by page with `after` = the last id seen. */
async function pageThrough(
  page: (after: number | undefined) => Promise<MetricRow[]>,
): Promise<{ rows: MetricRow[]; pages: number }> {
  const rows: MetricRow[] = [];
  let after: number | undefined;
  let pages = 0;
  for (;;) {
    const batch = await page(after);
    if (batch.length === 0) return { rows, pages };
    pages++;
    rows.push(...batch);
    after = batch[batch.length - 1]!.id;
  }
}

async function steps(store: Store, trialId: number, group?: MetricGroup) {
  return (await store.listMetrics({ trialId, group, limit: 10_000 })).map((r) => [
    r.group,
    r.stepsCompleted,
    r.runId,
  ]);
}

export function metricSeriesTests(ctx: ConformanceContext): void {
  test("hideMetricsAfter hides older runs' rows past the step and keeps the rest", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    await store.addMetrics(trial.id, 0, reports("training", [100, 200, 300, 400]));
    await store.addMetrics(trial.id, 0, reports("validation", [200, 400]));
    // Run 1 restarted from the checkpoint at step 200.
    expect(await store.hideMetricsAfter(trial.id, 1, 200)).toBe(3);
    expect(await steps(store, trial.id)).toEqual([
      ["training", 100, 0],
      ["training", 200, 0],
      ["validation", 200, 0],
    ]);
    // Nothing left to hide: hiding again is a no-op.
    expect(await store.hideMetricsAfter(trial.id, 1, 200)).toBe(0);
  });

  test("a new run may report again at hidden steps, with new values", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    await store.addMetrics(trial.id, 0, reports("training", [100, 200, 300], 1));
    await store.addMetrics(trial.id, 0, reports("validation", [300], 1));
    await store.hideMetricsAfter(trial.id, 1, 100);
    const result = await store.addMetrics(trial.id, 1, [
      ...reports("training", [200, 300], 2),
      ...reports("validation", [300], 2),
    ]);
    expect(result).toEqual({ inserted: 3, conflicts: [] });
    expect(await steps(store, trial.id)).toEqual([
      ["training", 100, 0],
      ["training", 200, 1],
      ["training", 300, 1],
      ["validation", 300, 1],
    ]);
    const [, second] = await store.listMetrics({ trialId: trial.id, limit: 10 });
    expect(second?.metrics).toEqual({ loss: 2 / 200 });
    // The new run's rows are now the visible ones: a different value conflicts with them.
    const clash = await store.addMetrics(trial.id, 1, reports("training", [200], 3));
    expect(clash.conflicts).toEqual([
      { group: "training", stepsCompleted: 200, stored: { loss: 0.01 }, reported: { loss: 0.015 } },
    ]);
  });

  test("hideMetricsAfter keeps the validations it is told to keep (completed operations')", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    await store.addMetrics(trial.id, 0, reports("training", [90, 100]));
    await store.addMetrics(trial.id, 0, reports("validation", [90, 100]));
    // Run 1 starts from scratch; the operation to 90 was completed on its validation.
    expect(await store.hideMetricsAfter(trial.id, 1, 0, [90])).toBe(3);
    expect(await steps(store, trial.id)).toEqual([["validation", 90, 0]]);
  });

  test("a newer run's different value at a kept step takes its place; one of the same run conflicts", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    await store.addMetrics(trial.id, 0, reports("validation", [90], 1));
    await store.hideMetricsAfter(trial.id, 1, 0, [90]);
    // The same value again is a no-op; another value of the newer run replaces the kept row.
    expect(await store.addMetrics(trial.id, 1, reports("validation", [90], 1))).toEqual({
      inserted: 0,
      conflicts: [],
    });
    expect(await store.addMetrics(trial.id, 1, reports("validation", [90], 2))).toEqual({
      inserted: 1,
      conflicts: [],
    });
    expect(await steps(store, trial.id)).toEqual([["validation", 90, 1]]);
    const [row] = await store.listMetrics({ trialId: trial.id, limit: 10 });
    expect(row?.metrics).toEqual({ validation_loss: 2 / 90 });
    // Now the row is the newer run's own: a different value from it is a conflict.
    const clash = await store.addMetrics(trial.id, 1, reports("validation", [90], 3));
    expect(clash).toMatchObject({ inserted: 0, conflicts: [{ stepsCompleted: 90 }] });
  });

  test("hideMetricsAfter leaves the current and later runs' rows and other trials alone", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment, 1);
    const other = await newTrial(store, experiment, 2);
    await store.addMetrics(trial.id, 0, reports("training", [10, 20]));
    await store.addMetrics(trial.id, 2, reports("training", [30]));
    await store.addMetrics(other.id, 0, reports("training", [10, 20, 30]));
    expect(await store.hideMetricsAfter(trial.id, 2, 0)).toBe(2);
    expect(await steps(store, trial.id)).toEqual([["training", 30, 2]]);
    expect(await steps(store, other.id)).toHaveLength(3);
  });

  test("a run hidden twice over keeps only the newest run's rows visible", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    await store.addMetrics(trial.id, 0, reports("training", [1, 2, 3], 1));
    await store.hideMetricsAfter(trial.id, 1, 1);
    await store.addMetrics(trial.id, 1, reports("training", [2, 3], 2));
    await store.hideMetricsAfter(trial.id, 2, 1);
    await store.addMetrics(trial.id, 2, reports("training", [2, 3], 3));
    expect(await steps(store, trial.id)).toEqual([
      ["training", 1, 0],
      ["training", 2, 2],
      ["training", 3, 2],
    ]);
  });

  test("cursors page through a trial's series across groups without gaps or repeats", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    for (let chunk = 0; chunk < 5; chunk++) {
      const base = chunk * 100;
      await store.addMetrics(trial.id, 0, [
        ...reports("training", range(base + 10, base + 100, 10)),
        ...reports("validation", [base + 100]),
      ]);
    }
    const all = await store.listMetrics({ trialId: trial.id, limit: 1_000 });
    expect(all).toHaveLength(55);
    const paged = await pageThrough((after) =>
      store.listMetrics({ trialId: trial.id, after, limit: 7 }),
    );
    expect(paged.rows).toEqual(all);
    expect(paged.pages).toBe(8);
    const validations = await pageThrough((after) =>
      store.listMetrics({ trialId: trial.id, group: "validation", after, limit: 2 }),
    );
    expect(validations.rows.map((r) => r.stepsCompleted)).toEqual([100, 200, 300, 400, 500]);
    const trainings = await pageThrough((after) =>
      store.listMetrics({ trialId: trial.id, group: "training", after, limit: 13 }),
    );
    expect(trainings.rows).toEqual(all.filter((r) => r.group === "training"));
    // Up to a row's id (a sized page's last), however many the limit allows.
    const between = { after: all[2]!.id, through: all[6]!.id, limit: 1_000 };
    expect(await store.listMetrics({ trialId: trial.id, ...between })).toEqual(all.slice(3, 7));
    const validations2 = all.filter((r) => r.group === "validation").slice(0, 2);
    const twoChunks = { after: all[0]!.id, through: validations2[1]!.id, limit: 1_000 };
    expect(await store.listMetrics({ experimentId: trial.experimentId, ...twoChunks })).toEqual(
      validations2,
    );
  });

  test("cursors skip hidden rows and never return another trial's rows", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment, 1);
    const other = await newTrial(store, experiment, 2);
    await store.addMetrics(trial.id, 0, reports("training", range(1, 10)));
    await store.addMetrics(other.id, 0, reports("training", range(1, 10)));
    await store.hideMetricsAfter(trial.id, 1, 5);
    await store.addMetrics(trial.id, 1, reports("training", range(6, 8)));
    const paged = await pageThrough((after) =>
      store.listMetrics({ trialId: trial.id, after, limit: 3 }),
    );
    expect(paged.rows.map((r) => [r.stepsCompleted, r.runId])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [6, 1],
      [7, 1],
      [8, 1],
    ]);
    expect(paged.rows.every((r) => r.trialId === trial.id)).toBe(true);
  });

  test("a limit of zero, or a cursor past the end, returns nothing", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    await store.addMetrics(trial.id, 0, reports("training", [1, 2]));
    const rows = await store.listMetrics({ trialId: trial.id, limit: 10 });
    expect(await store.listMetrics({ trialId: trial.id, limit: 0 })).toEqual([]);
    expect(await store.listMetrics({ trialId: trial.id, after: rows[1]!.id, limit: 10 })).toEqual(
      [],
    );
    expect(await store.listMetrics({ trialId: 987_654_321, limit: 10 })).toEqual([]);
  });

  test("an experiment's validations come from all its trials, in id order, and no others", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const elsewhere = await newExperiment(store);
    const t1 = await newTrial(store, experiment, 1);
    const t2 = await newTrial(store, experiment, 2);
    const t3 = await newTrial(store, elsewhere, 1);
    await store.addMetrics(t1.id, 0, [
      ...reports("training", [50]),
      ...reports("validation", [100]),
    ]);
    await store.addMetrics(t2.id, 0, reports("validation", [100, 200]));
    await store.addMetrics(t3.id, 0, reports("validation", [100]));
    await store.addMetrics(t1.id, 0, reports("validation", [200, 300]));
    const rows = await store.listMetrics({ experimentId: experiment.id, limit: 100 });
    expect(rows.map((r) => [r.trialId, r.stepsCompleted])).toEqual([
      [t1.id, 100],
      [t2.id, 100],
      [t2.id, 200],
      [t1.id, 200],
      [t1.id, 300],
    ]);
    expect(rows.every((r) => r.group === "validation")).toBe(true);
    const paged = await pageThrough((after) =>
      store.listMetrics({ experimentId: experiment.id, after, limit: 2 }),
    );
    expect(paged.rows).toEqual(rows);
    expect(await store.listMetrics({ experimentId: experiment.id, limit: 0 })).toEqual([]);
  });

  test("an experiment's validations leave out hidden rows", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    await store.addMetrics(trial.id, 0, reports("validation", [100, 200, 300], 1));
    await store.hideMetricsAfter(trial.id, 1, 100);
    await store.addMetrics(trial.id, 1, reports("validation", [200], 2));
    const rows = await store.listMetrics({ experimentId: experiment.id, limit: 10 });
    expect(rows.map((r) => [r.stepsCompleted, r.runId, r.metrics])).toEqual([
      [100, 0, { validation_loss: 0.01 }],
      [200, 1, { validation_loss: 0.01 }],
    ]);
  });

  test("one metric of an experiment's validations reads as the full rows do, null where a row lacks it", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const odd = 'acc "top-1" \\ ü';
    await store.addMetrics(trial.id, 0, [
      {
        group: "validation",
        stepsCompleted: 10,
        metrics: { validation_loss: 0.5, [odd]: 0.9 },
        reportTime: new Date(),
      },
      {
        group: "validation",
        stepsCompleted: 20,
        metrics: { validation_loss: 0.25 },
        reportTime: new Date(),
      },
      {
        group: "training",
        stepsCompleted: 30,
        metrics: { validation_loss: 7 },
        reportTime: new Date(),
      },
    ]);
    await store.hideMetricsAfter(trial.id, 1, 15);
    await store.addMetrics(trial.id, 1, reports("validation", [20], 2));
    const full = await store.listMetrics({ experimentId: experiment.id, limit: 10 });
    const lean = await store.listExperimentValidationValues({
      experimentId: experiment.id,
      metric: "validation_loss",
      limit: 10,
    });
    expect(lean).toEqual(
      full.map((r) => ({
        id: r.id,
        trialId: r.trialId,
        runId: r.runId,
        stepsCompleted: r.stepsCompleted,
        value: r.metrics.validation_loss,
        reportTime: r.reportTime.getTime(),
      })),
    );
    const named = await store.listExperimentValidationValues({
      experimentId: experiment.id,
      metric: odd,
      limit: 10,
    });
    expect(named.map((r) => r.value)).toEqual([0.9, null]);
    const after = await store.listExperimentValidationValues({
      experimentId: experiment.id,
      metric: "validation_loss",
      after: lean[0]!.id,
      limit: 10,
    });
    expect(after).toEqual(lean.slice(1));
  });

  test("one metric of some trials' validations: only theirs, none for an empty list", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trials = [
      await newTrial(store, experiment, 1),
      await newTrial(store, experiment, 2),
      await newTrial(store, experiment, 3),
    ];
    for (const t of trials) await store.addMetrics(t.id, 0, reports("validation", [10, 20], t.id));
    const of = async (trialIds?: number[]) =>
      (
        await store.listExperimentValidationValues({
          experimentId: experiment.id,
          metric: "validation_loss",
          limit: 100,
          ...(trialIds ? { trialIds } : {}),
        })
      ).map((r) => [r.trialId, r.stepsCompleted]);
    const [a, b, c] = trials.map((t) => t.id);
    expect(await of([c!, a!])).toEqual([
      [a, 10],
      [a, 20],
      [c, 10],
      [c, 20],
    ]);
    expect(await of([b!])).toEqual([
      [b, 10],
      [b, 20],
    ]);
    expect((await of()).length).toBe(6);
    expect(await of([])).toEqual([]);
  });
}

/** The sizes of a page's rows, as `listMetricSizes` gives them, and as `listMetrics` reads them. */
export function metricSizeTests(ctx: ConformanceContext): void {
  test("the sizes of a query's rows are those it reads, in UTF-8 bytes, hidden rows left out", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const trial = await newTrial(store, experiment);
    const wide = Object.fromEntries(range(1, 50).map((i) => [`größe_${i}`, i / 7]));
    await store.addMetrics(trial.id, 0, [
      { group: "training", stepsCompleted: 1, metrics: wide, reportTime: new Date() },
      ...reports("validation", [1, 2, 3]),
      ...reports("training", [2, 3]),
    ]);
    await store.hideMetricsAfter(trial.id, 1, 2);
    const queries = [
      { trialId: trial.id, limit: 100 },
      { trialId: trial.id, group: "validation" as const, limit: 100 },
      { trialId: trial.id, after: 0, limit: 2 },
      { experimentId: experiment.id, limit: 100 },
    ];
    for (const query of queries) {
      const rows = await store.listMetrics(query);
      const sizes = await store.listMetricSizes(query);
      expect(sizes.map((s) => s.id)).toEqual(rows.map((r) => r.id));
      expect(sizes.map((s) => s.bytes)).toEqual(
        rows.map((r) => Buffer.byteLength(encodeMetrics(r.metrics))),
      );
    }
    expect(await store.listMetricSizes({ trialId: trial.id, limit: 100 })).toHaveLength(4);
    expect(await store.listMetricSizes({ trialId: trial.id, limit: 0 })).toEqual([]);
  });
}
