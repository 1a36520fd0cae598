/**
 * A page of metrics holds at most PAGE_BYTES bytes of stored names and values
 * (and at least one row): 10,000 rows of 200 long metric names would be some
 * 450 MB. A page cut short says `truncated`, and reading on from `next` gets
 * every row once, in order; the same for an experiment's validations.
 */
import { afterEach, expect, test, vi } from "vitest";
import { encodeMetrics } from "../../src/master/storage/codec.js";
import { type MetricSeries, PAGE_BYTES } from "../../src/protocol/api/resources.js";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

/** 200 names of 200 characters: the widest row a push may report, about 45 KB. */
const NAMES = Array.from({ length: 200 }, (_, i) => `${i}_`.padEnd(200, "g"));
const ROWS = Math.ceil((3 * PAGE_BYTES) / 45_000);

async function trialWithWideRows(): Promise<number> {
  tm = await startTestMaster({ slots: 1 });
  await createExperiment(tm, singleConfig("metric-pages"));
  await tm.settle();
  const { body } = await tm.admin.get<{ trials: { id: number }[] }>("/experiments/1/trials");
  const trialId = body.trials[0]!.id;
  const trial = await tm.store.getTrial(trialId);
  await tm.store.addMetrics(
    trialId,
    trial!.runId,
    Array.from({ length: ROWS }, (_, i) => ({
      group: i % 2 === 0 ? ("training" as const) : ("validation" as const),
      stepsCompleted: i + 1,
      metrics: Object.fromEntries(NAMES.map((n, k) => [n, i + k / 1000])),
      reportTime: new Date(),
    })),
  );
  return trialId;
}

const bytes = (page: MetricSeries) =>
  page.metrics.reduce((n, m) => n + Buffer.byteLength(encodeMetrics(m.metrics)), 0);

/** Every step `path` pages through from the start, checking each page's size. */
async function readAll(path: string): Promise<{ steps: number[]; pages: number }> {
  const steps: number[] = [];
  let after = 0;
  for (let pages = 1; ; pages++) {
    expect(pages).toBeLessThanOrEqual(ROWS);
    const res = await tm.admin.get<MetricSeries>(`${path}?after=${after}&limit=10000`);
    expect(res.status).toBe(200);
    expect(res.body.metrics.length).toBeGreaterThan(0);
    expect(bytes(res.body)).toBeLessThanOrEqual(PAGE_BYTES);
    steps.push(...res.body.metrics.map((m) => m.stepsCompleted));
    after = res.body.next!;
    if (!res.body.truncated) return { steps, pages };
  }
}

test("a page of wide metric rows stops at the size bound, and reading on gets every row once", async () => {
  const trialId = await trialWithWideRows();
  const all = await readAll(`/trials/${trialId}/metrics`);
  expect(all.steps).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
  expect(all.pages).toBeGreaterThanOrEqual(3);
  const validation = await tm.admin.get<MetricSeries>(
    `/trials/${trialId}/metrics?group=validation&limit=3`,
  );
  expect(validation.body.metrics.map((m) => m.stepsCompleted)).toEqual([2, 4, 6]);
  expect(validation.body.truncated).toBe(false);
});

test("an experiment's validations are paged within the same bound", async () => {
  await trialWithWideRows();
  const all = await readAll("/experiments/1/validations");
  expect(all.steps).toEqual(Array.from({ length: ROWS / 2 }, (_, i) => 2 * (i + 1)));
  expect(all.pages).toBeGreaterThanOrEqual(2);
});

test("a page of narrow rows is not cut short", async () => {
  tm = await startTestMaster({ slots: 1 });
  await createExperiment(tm, singleConfig("metric-pages"));
  await tm.settle();
  const trial = (await tm.store.listTrials({ experimentId: 1 }))[0]!;
  await tm.store.addMetrics(
    trial.id,
    trial.runId,
    Array.from({ length: 5000 }, (_, i) => ({
      group: "training" as const,
      stepsCompleted: i + 1,
      metrics: { loss: 1 / (i + 1) },
      reportTime: new Date(),
    })),
  );
  const res = await tm.admin.get<MetricSeries>(`/trials/${trial.id}/metrics?limit=10000`);
  expect(res.body.metrics).toHaveLength(5000);
  expect(res.body.truncated).toBe(false);
});

test("rows hidden while a page is read bring in none that the next page shows", async () => {
  tm = await startTestMaster({ slots: 1 });
  await createExperiment(tm, singleConfig("metric-pages"));
  await tm.settle();
  const trial = (await tm.store.listTrials({ experimentId: 1 }))[0]!;
  const training = (runSteps: number[]) =>
    runSteps.map((step) => ({
      group: "training" as const,
      stepsCompleted: step,
      metrics: { loss: 1 / step },
      reportTime: new Date(),
    }));
  const run = trial.runId;
  await tm.store.addMetrics(trial.id, run, training([1, 2, 3, 4]));
  // A page of 3 is sized as steps 1–3 of its run; before it is read, the trial restarts from step 1
  // (the run's later rows hidden) and reports steps 2–4 again. Read by count, the page would show
  // step 1 and two of the new rows, and the next page, after the old step 3, the same two again.
  const sizes = tm.store.listMetricSizes.bind(tm.store);
  vi.spyOn(tm.store, "listMetricSizes").mockImplementationOnce(async (query) => {
    const sized = await sizes(query);
    await tm.store.hideMetricsAfter(trial.id, run + 1, 1);
    await tm.store.addMetrics(trial.id, run + 1, training([2, 3, 4]));
    return sized;
  });
  try {
    const first = await tm.admin.get<MetricSeries>(`/trials/${trial.id}/metrics?limit=3`);
    const second = await tm.admin.get<MetricSeries>(
      `/trials/${trial.id}/metrics?limit=3&after=${first.body.next}`,
    );
    expect(second.body).toMatchObject({ truncated: false });
    const steps = [...first.body.metrics, ...second.body.metrics].map((m) => m.stepsCompleted);
    expect(steps).toEqual([1, 2, 3, 4]);
  } finally {
    vi.restoreAllMocks();
  }
});
