/**
 * Checkpoints across SDKs: the two SDKs write the same checkpoint layout, so a
 * trial whose first run (on one SDK) crashes at step 20 resumes under the
 * other SDK from the checkpoint at 10 the first one wrote, and the database
 * ends exactly as when one SDK ran both runs.
 */
import { describe, expect, test } from "vitest";
import { restartedOnce, restartedOnceRows } from "./support/restarted-once.js";
import { contractRows } from "./support/rows.js";
import { runToCompletion, SCENARIO_TIMEOUT_MS, sharedCluster } from "./support/scenario.js";
import { handedOver, PYTHON_SDK, TYPESCRIPT_SDK } from "./support/sdks.js";

const cluster = sharedCluster();

describe.concurrent.each([
  ["typescript, then python", handedOver(TYPESCRIPT_SDK, PYTHON_SDK)],
  ["python, then typescript", handedOver(PYTHON_SDK, TYPESCRIPT_SDK)],
])("%s", (_, sdks) => {
  test(
    "a trial restarted under the other SDK resumes from the checkpoint the first one wrote",
    async () => {
      const id = await runToCompletion(cluster(), sdks, restartedOnce);
      expect(await contractRows(cluster(), id)).toEqual(restartedOnceRows);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
