/** Every trial's searcher-metric curve as columns, read with a cursor. */
import { afterEach, describe, expect, test } from "vitest";
import type { ValidationColumns } from "../../src/protocol/api/charts.js";
import { ashaConfig, syntheticLoss } from "../master/support/configs.js";
import { startTestMaster, type TestMaster } from "../master/support/harness.js";
import { running, trial } from "../master/support/trial.js";
import { TrialPlayer } from "../master/support/trial-player.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

async function experiment() {
  tm = await startTestMaster({ slots: 3 });
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
  });
  await tm.settle();
  return res.body.id;
}

describe("validation columns", () => {
  test("hold the searcher metric of every validation, one column per field", async () => {
    const id = await experiment();
    await new TrialPlayer(tm, syntheticLoss).run(id);
    const res = await tm.admin.get<ValidationColumns>(`/experiments/${id}/validation-columns`);
    expect(res.status).toBe(200);
    const c = res.body;
    expect(c.metric).toBe("validation_loss");
    expect(c.more).toBe(false);
    const rows = await tm.store.listMetrics({ experimentId: id, limit: 1000 });
    expect(rows.length).toBeGreaterThan(0);
    expect(c.trialIds).toEqual(rows.map((r) => r.trialId));
    expect(c.steps).toEqual(rows.map((r) => r.stepsCompleted));
    expect(c.values).toEqual(rows.map((r) => r.metrics.validation_loss));
    expect(c.times).toEqual(rows.map((r) => r.reportTime.getTime()));
    expect(c.next).toBe(rows[rows.length - 1]!.id);
  });

  test("a cursor returns only newer rows, page by page", async () => {
    const id = await experiment();
    await new TrialPlayer(tm, syntheticLoss).run(id);
    const all = (await tm.admin.get<ValidationColumns>(`/experiments/${id}/validation-columns`))
      .body;
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = (
        await tm.admin.get<ValidationColumns>(
          `/experiments/${id}/validation-columns?after=${after}&limit=5`,
        )
      ).body;
      seen.push(...page.values);
      expect(page.next).toBeGreaterThanOrEqual(after);
      after = page.next;
      if (!page.more) break;
    }
    expect(seen).toEqual(all.values);
    const empty = (
      await tm.admin.get<ValidationColumns>(`/experiments/${id}/validation-columns?after=${after}`)
    ).body;
    expect(empty).toMatchObject({
      trialIds: [],
      steps: [],
      values: [],
      times: [],
      next: after,
      more: false,
    });
  });

  test("rows without the searcher metric are left out but still move the cursor", async () => {
    const id = await experiment();
    const t = trial(tm, running(tm)[0]!.trialId);
    expect((await t.metrics("validation", 10, { accuracy: 0.5 })).status).toBe(200);
    const page = (await tm.admin.get<ValidationColumns>(`/experiments/${id}/validation-columns`))
      .body;
    expect(page.values).toEqual([]);
    expect(page.next).toBeGreaterThan(0);
  });

  test("needs a user token and an existing experiment", async () => {
    const id = await experiment();
    expect((await tm.as(null).get(`/experiments/${id}/validation-columns`)).status).toBe(401);
    expect((await tm.admin.get(`/experiments/9999/validation-columns`)).status).toBe(404);
    expect((await tm.admin.get(`/experiments/${id}/validation-columns?limit=0`)).status).toBe(400);
  });
});
