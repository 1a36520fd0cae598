/**
 * A search preview simulates a whole search, so it runs in a worker thread
 * with a time budget: while a large one runs, the master keeps answering;
 * one past its budget is stopped with TOO_MUCH_WORK; one past the config's
 * limits is refused before anything is simulated.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildServer } from "../../src/master/http/server.js";
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
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let done = false;
    const pending = preview(tm.app, randomSearch(100_000)).finally(() => {
      done = true;
    });
    let answeredDuring = 0;
    while (!done) {
      const health = await tm.app.inject({ method: "GET", url: "/api/v1/health" });
      expect(health.statusCode).toBe(200);
      if (!done) answeredDuring++;
      await new Promise((r) => setTimeout(r, 5));
    }
    delay.disable();
    const res = await pending;
    expect(res.statusCode).toBe(200);
    const plan = res.json() as { trials: unknown[]; totalLength: number };
    expect(plan.trials).toHaveLength(100_000);
    expect(plan.totalLength).toBe(10_000_000);
    // Before previews left the event loop, nothing was answered until the preview was done.
    expect(answeredDuring).toBeGreaterThanOrEqual(3);
    console.log(
      `preview of 100,000 trials: /health answered ${answeredDuring} times during it; event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms`,
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
