import { test } from "vitest";
import { checkRecoveryAtEveryStep } from "./recovery.js";
import { ashaConfig } from "./support/configs.js";

test("an ASHA experiment sampling with TPE, stopped after any step on SQLite, finishes exactly as an uninterrupted one", async () => {
  // Three startup trials, so most trials are sampled from the model the restart rebuilds by replay.
  const config = ashaConfig({}, { sampler: "tpe", n_startup_trials: 3 });
  await checkRecoveryAtEveryStep("sqlite", 1, config);
}, 300_000);
