/**
 * Metric names are the user's: a searcher metric named like an
 * `Object.prototype` member (`constructor`, `toString`, `valueOf`,
 * `__proto__`, `hasOwnProperty`) is looked up as the report's own key only.
 * A validation report without it is treated as any report without the
 * searcher metric; one with it works end to end.
 */
import { afterEach, describe, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster | undefined;
afterEach(async () => {
  await tm?.close();
  tm = undefined;
});

async function experimentRankedBy(metric: string) {
  tm = await startTestMaster({ slots: 1 });
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig({}, { metric, max_trials: 3 }),
    workdir: "/tmp",
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await tm.settle();
  const handle = new TrialHandle(tm, running(tm)[0]!);
  const op = await handle.op();
  return { tm, experimentId: created.body.id, handle, length: op.op!.length };
}

const names = ["constructor", "toString", "valueOf", "__proto__", "hasOwnProperty"];

describe("a searcher metric named like an Object.prototype member", () => {
  test.each(names)(
    "%s: a validation report without it is stored like any report without the searcher metric",
    async (metric) => {
      const { tm, handle, length } = await experimentRankedBy(metric);
      const res = await handle.metrics("validation", length, { validation_loss: 0.25 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const detail = await tm.admin.get<{ latestValidation: number | null }>(
        `/trials/${handle.id}`,
      );
      expect(detail.body.latestValidation).toBeNull();
      // Completing the op still needs the metric's value, given explicitly: nothing hangs.
      const done = await handle.api.post(`/trials/${handle.id}/searcher/completed_operation`, {
        op: { length },
        searcherMetric: 0.25,
      });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
    },
  );

  test.each(names.filter((n) => n !== "__proto__"))(
    "%s: a metric with that very name is ranked, stored and shown",
    async (metric) => {
      const { tm, experimentId, handle, length } = await experimentRankedBy(metric);
      const res = await handle.metrics("validation", length, { [metric]: 0.5 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const detail = await tm.admin.get<{ latestValidation: number; bestValidation: number }>(
        `/trials/${handle.id}`,
      );
      expect(detail.body.latestValidation).toBe(0.5);
      expect(detail.body.bestValidation).toBe(0.5);
      const done = await handle.api.post(`/trials/${handle.id}/searcher/completed_operation`, {
        op: { length },
        searcherMetric: 0.5,
      });
      expect(done.status).toBe(200);
      const best = await handle.api.get<{ metric: number }>(
        `/experiments/${experimentId}/searcher/best_searcher_validation_metric`,
      );
      expect(best.body.metric).toBe(0.5);
      const columns = await tm.admin.get<{ values: number[]; metric: string }>(
        `/experiments/${experimentId}/validation-columns`,
      );
      expect(columns.body).toMatchObject({ metric, values: [0.5] });
    },
  );
});
