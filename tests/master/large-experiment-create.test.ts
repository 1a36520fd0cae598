/**
 * Creating an experiment whose searcher creates every trial at once
 * (`max_concurrent_trials: 0`) writes all of them in one transaction; the
 * master keeps answering other requests while it does.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
beforeAll(async () => {
  tm = await startTestMaster({ slots: 0 });
});
afterAll(async () => tm.close());

const TRIALS = 10_000;

describe("an experiment that creates all its trials at once", () => {
  test(`the master keeps answering /health while ${TRIALS.toLocaleString("en")} trials are created`, async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    let done = false;
    const pending = tm.app
      .inject({
        method: "POST",
        url: "/api/v1/experiments",
        headers: { authorization: `Bearer ${tm.adminToken}` },
        payload: {
          config: {
            entrypoint: "node train.js",
            hyperparameters: { lr: { type: "log", minval: -4, maxval: -1 } },
            searcher: {
              name: "random",
              metric: "loss",
              max_length: { batches: 100 },
              max_trials: TRIALS,
              max_concurrent_trials: 0,
            },
          },
          workdir: tm.dataDir,
          activate: false,
        },
      })
      .finally(() => {
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
    expect(res.statusCode, res.body).toBe(201);
    const trials = await tm.store.listTrials({ experimentId: res.json().id });
    expect(trials).toHaveLength(TRIALS);
    expect(answeredDuring).toBeGreaterThanOrEqual(3);
    console.log(
      `created ${TRIALS} trials in ${((performance.now() - started) / 1000).toFixed(1)} s; /health answered ${answeredDuring} times; event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms`,
    );
  });
});
