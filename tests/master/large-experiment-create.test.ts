/**
 * Creating an experiment whose searcher creates every trial at once
 * (`max_concurrent_trials: 0`) writes all of them in one transaction; the
 * master keeps answering other requests while it does.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { healthAnsweredDuring } from "./support/answered-during.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
beforeAll(async () => {
  tm = await startTestMaster({ slots: 0 });
});
afterAll(async () => tm.close());

const TRIALS = 10_000;

describe("an experiment that creates all its trials at once", () => {
  test(`the master keeps answering /health while ${TRIALS.toLocaleString("en")} trials are created`, async () => {
    const started = performance.now();
    const create = tm.app.inject({
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
    });
    const { res, answered, p99DelayMs, maxDelayMs } = await healthAnsweredDuring(tm.app, create);
    expect(res.statusCode, res.body).toBe(201);
    const trials = await tm.store.listTrials({ experimentId: res.json().id });
    expect(trials).toHaveLength(TRIALS);
    // Before the driver gave the event loop turns, nothing was answered until the trials were in.
    expect(answered).toBeGreaterThanOrEqual(3);
    console.log(
      `created ${TRIALS} trials in ${((performance.now() - started) / 1000).toFixed(1)} s; /health answered ${answered} times; event-loop delay p99 ${p99DelayMs.toFixed(0)} ms, max ${maxDelayMs.toFixed(0)} ms`,
    );
  });
});
