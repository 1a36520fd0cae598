/**
 * The one conformance suite every `Store` must pass (DESIGN §7). Each
 * implementation calls `describeStoreConformance` with a factory for a fresh
 * store; the tests themselves live in `conformance/`, one file per concept.
 */
import { afterEach, beforeEach, describe } from "vitest";
import { allocationTests } from "./conformance/allocations.js";
import { checkpointTests } from "./conformance/checkpoints.js";
import type { ConformanceContext, StoreFixture } from "./conformance/context.js";
import { deleteExperimentTests } from "./conformance/delete-experiment.js";
import { experimentPageTests } from "./conformance/experiment-pages.js";
import { experimentTests } from "./conformance/experiments.js";
import { logTests } from "./conformance/logs.js";
import { metricCursorTests } from "./conformance/metric-cursors.js";
import { metricSeriesTests, metricSizeTests } from "./conformance/metric-series.js";
import { metricTests } from "./conformance/metrics.js";
import { schemaTests } from "./conformance/schema.js";
import { searcherEventTests } from "./conformance/searcher-events.js";
import { transactionTests } from "./conformance/transactions.js";
import { trialOpTests } from "./conformance/trial-ops.js";
import { trialPageTests } from "./conformance/trial-pages.js";
import { trialTests } from "./conformance/trials.js";
import { userTests } from "./conformance/users.js";

export type { StoreFixture } from "./conformance/context.js";

/**
 * `makeStore` opens a store for one test. Stores may share a database with
 * earlier tests (the suite never assumes an empty one); `cleanup` closes the
 * store and removes whatever the factory made for that test alone.
 */
export function describeStoreConformance(
  name: string,
  makeStore: () => Promise<StoreFixture>,
): void {
  describe(name, () => {
    let current: StoreFixture | undefined;
    const ctx: ConformanceContext = {
      get fixture() {
        if (!current) throw new Error("no store: makeStore failed or the test has ended");
        return current;
      },
      get store() {
        return this.fixture.store;
      },
    };
    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      const fixture = current;
      current = undefined;
      await fixture?.cleanup();
    });

    describe("transactions", () => transactionTests(ctx));
    describe("users and tokens", () => userTests(ctx));
    describe("experiments", () => experimentTests(ctx));
    describe("the searcher event log", () => searcherEventTests(ctx));
    describe("trials", () => trialTests(ctx));
    describe("pages of trials", () => trialPageTests(ctx));
    describe("pages of experiments", () => experimentPageTests(ctx));
    describe("trial operations", () => trialOpTests(ctx));
    describe("allocations", () => allocationTests(ctx));
    describe("metrics", () => metricTests(ctx));
    describe("metric series", () => metricSeriesTests(ctx));
    describe("metric sizes", () => metricSizeTests(ctx));
    describe("metric cursors while pushes overlap", () => metricCursorTests(ctx));
    describe("checkpoints", () => checkpointTests(ctx));
    describe("logs", () => logTests(ctx));
    describe("deleting an experiment", () => deleteExperimentTests(ctx));
    describe("schema", () => schemaTests(ctx));
  });
}
