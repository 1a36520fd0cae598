/**
 * Metric repeats after a restart: a trial reports training and validation
 * metrics up to step 20, delivers them, and crashes before its checkpoint at
 * 20. Restarted from its checkpoint at 10, it reports steps 15 and 20 again
 * with the same values: each is stored once (the first run's reports past the
 * checkpoint are hidden), the repeat is no 409 that would fail the trial, and
 * one restart is counted.
 */
import { describe, expect, test } from "vitest";
import { logsOf, trialDetails } from "../e2e/support/cluster.js";
import { restartedOnce, restartedOnceRows } from "./support/restarted-once.js";
import { contractRows } from "./support/rows.js";
import { runToCompletion, SCENARIO_TIMEOUT_MS, sharedCluster } from "./support/scenario.js";
import { SDKS } from "./support/sdks.js";

const cluster = sharedCluster();

describe.concurrent.each(SDKS)("%s trial", (_, sdk) => {
  test(
    "metrics reported again after a restart from an earlier checkpoint are stored once and fail nothing",
    async () => {
      const c = cluster();
      const id = await runToCompletion(c, sdk, restartedOnce);
      expect(await contractRows(c, id)).toEqual(restartedOnceRows);
      // The first run's reports up to 20 had reached the master when it crashed.
      const [t] = await trialDetails(c, id);
      expect(await logsOf(c, t!.id)).toContain("crashing at step 20");
    },
    SCENARIO_TIMEOUT_MS,
  );
});
