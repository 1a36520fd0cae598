/**
 * examples/core-api/adaptive.yaml on a master backed by PostgreSQL: the loop
 * written against the core context runs a whole adaptive ASHA search, trains
 * the planned rungs, and the checkpoints left after the end follow the policy.
 * Needs PostgreSQL (PUSHTUNE_TEST_PG, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { parse } from "yaml";
import { CORE_API_DIR } from "./support/build.js";
import { clustersClosedAfterEach, createExperiment, waitForEnd } from "./support/cluster.js";
import { expectCheckpointsKeptByPolicy, expectPlannedRungs } from "./support/search-checks.js";

const startCluster = clustersClosedAfterEach();

test("an adaptive ASHA search of the core-API example on PostgreSQL trains the planned rungs and keeps the checkpoints its policy names", async () => {
  const cluster = await startCluster({ slots: 4, db: "postgres" });
  const config = parse(readFileSync(join(CORE_API_DIR, "adaptive.yaml"), "utf8"));
  const id = await createExperiment(cluster, config, CORE_API_DIR);
  expect(await waitForEnd(cluster, id, 150)).toBe("COMPLETED");
  const validations = await expectPlannedRungs(cluster, id);
  await expectCheckpointsKeptByPolicy(cluster, id, validations);
}, 180_000);
