import { test } from "vitest";
import { checkRecoveryAtEveryStep } from "./recovery.js";
import { pbtConfig } from "./support/configs.js";

test("a pbt experiment, stopped after any step on SQLite, finishes exactly as an uninterrupted one", async () => {
  // Four trials, three rounds, one replaced after each of the first two: the copies'
  // explored hyperparameters come from the generator the restart rebuilds by replay.
  await checkRecoveryAtEveryStep("sqlite", 1, pbtConfig(), 6);
}, 300_000);
