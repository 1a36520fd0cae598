/**
 * Following an experiment's validations while many trials push them at once,
 * on PostgreSQL, whose push transactions commit in any order: a reader that
 * echoes `next` back as `after` sees every validation exactly once, and so
 * does the master's cache of validation columns, which keeps its own cursor.
 * The race depends on timing; the pushes are many so that it shows.
 */
import { afterEach, expect, test } from "vitest";
import { randomConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

const TRIALS = 12;
const STEPS = 40;

let tm: TestMaster;
afterEach(async () => tm?.close());

interface Series {
  metrics: { id: number; trialId: number; stepsCompleted: number }[];
  next: number | null;
}
interface Columns {
  trialIds: number[];
  steps: number[];
  next: number;
  more: boolean;
}

test("a reader following an experiment's validations while trials push them sees each once", async () => {
  tm = await startTestMaster({ db: "postgres", slots: TRIALS });
  const id = await createExperiment(tm, randomConfig(1000, TRIALS));
  await tm.settle();
  const trials = running(tm).map((s) => new TrialHandle(tm, s));
  expect(trials).toHaveLength(TRIALS);

  const series: string[] = [];
  const columns: string[] = [];
  let seriesAfter = 0;
  let columnsAfter = 0;
  const follow = async () => {
    const page = await tm.admin.get<Series>(
      `/experiments/${id}/validations?after=${seriesAfter}&limit=10000`,
    );
    expect(page.status).toBe(200);
    series.push(...page.body.metrics.map((m) => `${m.trialId}:${m.stepsCompleted}`));
    seriesAfter = page.body.next ?? seriesAfter;
    const cols = await tm.admin.get<Columns>(
      `/experiments/${id}/validation-columns?after=${columnsAfter}`,
    );
    expect(cols.status).toBe(200);
    columns.push(...cols.body.trialIds.map((t, i) => `${t}:${cols.body.steps[i]}`));
    columnsAfter = cols.body.next;
  };

  let pushing = true;
  const pushes = Promise.all(
    trials.map(async (t) => {
      for (let step = 1; step <= STEPS; step++) {
        const res = await t.metrics("validation", step, { validation_loss: 1 / step });
        expect(res.status).toBe(200);
      }
    }),
  ).finally(() => {
    pushing = false;
  });
  while (pushing) await follow();
  await pushes;
  await follow();

  const expected = trials.flatMap((t) =>
    Array.from({ length: STEPS }, (_, i) => `${t.id}:${i + 1}`),
  );
  // A new reader, from the start: the cache must hold every row too.
  const fresh = await tm.admin.get<Columns>(`/experiments/${id}/validation-columns`);
  const missing = (seen: string[]) => expected.filter((v) => !seen.includes(v)).length;
  expect({
    validations: { read: series.length, missing: missing(series) },
    columns: { read: columns.length, missing: missing(columns) },
    cached: fresh.body.trialIds.length,
  }).toEqual({
    validations: { read: expected.length, missing: 0 },
    columns: { read: expected.length, missing: 0 },
    cached: expected.length,
  });
});
