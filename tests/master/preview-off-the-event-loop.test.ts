/**
 * A search preview simulates a whole search, so it runs in a worker thread
 * with a time budget: while a large one runs, the master keeps answering;
 * one past its budget is stopped with TOO_MUCH_WORK; one past the config's
 * limits is refused before anything is simulated.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildServer } from "../../src/master/http/server.js";
import { healthAnsweredDuring } from "./support/answered-during.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
beforeAll(async () => {
  tm = await startTestMaster();
});
afterAll(async () => tm.close());

const randomSearch = (maxTrials: number) => ({
  entrypoint: "node train.js",
  hyperparameters: {
    lr: { type: "log", minval: -4, maxval: -1 },
    layers: { type: "int", minval: 1, maxval: 8 },
  },
  searcher: { name: "random", metric: "loss", max_length: { batches: 100 }, max_trials: maxTrials },
});

function preview(app: TestMaster["app"], config: unknown) {
  return app.inject({
    method: "POST",
    url: "/api/v1/searcher/preview",
    headers: { authorization: `Bearer ${tm.adminToken}` },
    payload: { config },
  });
}

describe("search previews run off the event loop", () => {
  test("the master keeps answering /health while a 100,000-trial preview runs", async () => {
    const { res, answered, maxDelayMs } = await healthAnsweredDuring(
      tm.app,
      preview(tm.app, randomSearch(100_000)),
    );
    expect(res.statusCode).toBe(200);
    const plan = res.json() as { trials: unknown[]; totalLength: number };
    expect(plan.trials).toHaveLength(100_000);
    expect(plan.totalLength).toBe(10_000_000);
    // Before previews left the event loop, nothing was answered until the preview was done.
    expect(answered).toBeGreaterThanOrEqual(3);
    console.log(
      `preview of 100,000 trials: /health answered ${answered} times during it; event-loop delay max ${maxDelayMs.toFixed(0)} ms`,
    );
  });

  test("a preview past its time budget is stopped with TOO_MUCH_WORK, and the next one still runs", async () => {
    const app = await buildServer(tm.master, {
      previewBudgetMs: 1,
      log: pino({ level: "silent" }),
    });
    await app.ready();
    try {
      const res = await preview(app, randomSearch(100_000));
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe("TOO_MUCH_WORK");
      expect(res.json().error.message).toContain("takes longer than 0.001 s");
    } finally {
      await app.close();
    }
    const small = await preview(tm.app, randomSearch(3));
    expect(small.statusCode).toBe(200);
    expect(small.json().trials).toHaveLength(3);
  });

  test("a preview past the config's limits is refused, naming the field", async () => {
    const res = await preview(tm.app, randomSearch(1_000_000));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("INVALID_CONFIG");
    expect(res.json().error.message).toContain("searcher.max_trials: must be at most 100,000");
  });
});
