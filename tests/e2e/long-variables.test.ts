/**
 * An experiment config too long to pass in a process's environment (a
 * categorical of 30,000 values makes it about 200 KB; Linux refuses a
 * variable over 128 KiB with E2BIG, and every trial failed to start): the
 * launcher leaves PUSHTUNE_EXPERIMENT_CONFIG out, names it in
 * PUSHTUNE_FROM_MASTER, and each kind of trial reads it from the master —
 * the TypeScript SDK (a process per trial, and trial after trial), the Python
 * SDK, and a trial written against the REST API alone.
 */
import { expect, test } from "vitest";
import { exampleConfig, exampleDir } from "../examples/support/python-example.js";
import { PYTHON } from "../python/interpreter.js";
import { CORE_API_DIR, SYNTHETIC_DIR } from "./support/build.js";
import {
  type Cluster,
  clustersClosedAfterEach,
  createExperiment,
  logsOf,
  searchResult,
  trialDetails,
  waitForEnd,
} from "./support/cluster.js";
import { batches, syntheticRandomSearch, withChanges, withLongConfig } from "./support/configs.js";

const startCluster = clustersClosedAfterEach();

/** Every trial of `id` completed on its first run. */
async function expectCompletedFirstTime(c: Cluster, id: number): Promise<void> {
  expect(await waitForEnd(c, id)).toBe("COMPLETED");
  for (const t of await trialDetails(c, id)) {
    expect([t.state, t.restarts, t.allocations.length]).toEqual(["COMPLETED", 0, 1]);
  }
}

test("TypeScript trials read a config too long for their environment from the master", async () => {
  const c = await startCluster({ slots: 2 });
  const config = withLongConfig(
    syntheticRandomSearch("long-config", { trials: 4, concurrent: 2, length: 20 }),
  );
  const reused = await createExperiment(c, config, SYNTHETIC_DIR);
  await expectCompletedFirstTime(c, reused);
  const separate = await createExperiment(c, config, CORE_API_DIR);
  await expectCompletedFirstTime(c, separate);
  // The same hyperparameters and metrics whichever way the trials ran.
  expect(await searchResult(c, reused)).toEqual(await searchResult(c, separate));
}, 120_000);

test("Python trials, with the SDK and with the REST API alone, read it from the master too", async () => {
  const c = await startCluster({ slots: 2 });
  const base = withChanges(exampleConfig("sklearn-digits"), {
    searcher: {
      name: "random",
      max_trials: 2,
      max_length: batches(4),
      mode: undefined,
      divisor: undefined,
      max_rungs: undefined,
    },
    min_validation_period: batches(4),
    min_checkpoint_period: batches(4),
  });
  const sdk = await createExperiment(c, withLongConfig(base), exampleDir("sklearn-digits"));
  await expectCompletedFirstTime(c, sdk);
  const rest = await createExperiment(
    c,
    withLongConfig({ ...base, entrypoint: `${PYTHON} rest_train.py` }),
    exampleDir("sklearn-digits"),
  );
  await expectCompletedFirstTime(c, rest);
  const [first] = await trialDetails(c, rest);
  expect((await logsOf(c, first!.id)).join("\n")).not.toContain("E2BIG");
}, 180_000);
