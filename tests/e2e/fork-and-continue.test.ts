/**
 * `pushtune trial continue` and `pushtune experiment fork` against a real
 * master whose trials are real processes of examples/synthetic: a continued
 * trial restores its source's checkpoint, trains on from its step to the new
 * length and completes; a fork runs the source's config or an edited one.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import type {
  ExperimentDetail,
  LogPage,
  MetricSeries,
  TrialList,
} from "../../src/protocol/api/resources.js";
import { parseJson, runCli } from "../cli/support/run-cli.js";
import { SYNTHETIC_DIR } from "./support/build.js";
import {
  type Cluster,
  clustersClosedAfterEach,
  createExperiment,
  waitForEnd,
} from "./support/cluster.js";
import { syntheticConfig } from "./support/configs.js";

const startCluster = clustersClosedAfterEach();

async function cli(cluster: Cluster, args: string[]) {
  const token = (await readFile(join(cluster.dataDir, "admin.token"), "utf8")).trim();
  const result = await runCli(args, {
    env: { PUSHTUNE_MASTER: cluster.url, PUSHTUNE_TOKEN: token },
  });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

const onlyTrial = async (cluster: Cluster, experimentId: number) => {
  const { trials } = await cluster.api<TrialList>("GET", `/experiments/${experimentId}/trials`);
  expect(trials).toHaveLength(1);
  return trials[0]!;
};

test("a continued trial resumes from its checkpoint and trains on to the new length", async () => {
  const cluster = await startCluster({ slots: 2 });
  // One trial of 200 batches, checkpointed at 100 and 200.
  const sourceId = await createExperiment(cluster, syntheticConfig("const.yaml"), SYNTHETIC_DIR);
  expect(await waitForEnd(cluster, sourceId)).toBe("COMPLETED");
  const source = await onlyTrial(cluster, sourceId);
  expect(source.lengthTrained).toBe(200);

  const created = parseJson<ExperimentDetail>(
    await cli(cluster, ["trial", "continue", String(source.id), "--length", "500", "--json"]),
  );
  expect(created.searcher).toBe("single");
  expect(await waitForEnd(cluster, created.id)).toBe("COMPLETED");
  const continued = await onlyTrial(cluster, created.id);
  expect(continued.state).toBe("COMPLETED");
  expect(continued.lengthTrained).toBe(500);
  expect(continued.hparams).toEqual(source.hparams);

  // It trained batches 201…500 only: every training report is past the checkpoint.
  const series = await cluster.api<MetricSeries>(
    "GET",
    `/trials/${continued.id}/metrics?limit=10000`,
  );
  const training = series.metrics.filter((m) => m.group === "training");
  expect(training.length).toBeGreaterThan(0);
  expect(Math.min(...training.map((m) => m.stepsCompleted))).toBeGreaterThan(200);
  const validations = series.metrics.filter((m) => m.group === "validation");
  expect(Math.max(...validations.map((m) => m.stepsCompleted))).toBe(500);
  const logs = await cluster.api<LogPage>("GET", `/trials/${continued.id}/logs?limit=1000`);
  expect(logs.logs.map((l) => l.line).join("\n")).toContain("restored the model at batch 200");

  // Training on from a checkpoint of a trial that was itself continued works the same way.
  const again = parseJson<ExperimentDetail>(
    await cli(cluster, ["trial", "continue", String(continued.id), "--length", "600", "--json"]),
  );
  expect(await waitForEnd(cluster, again.id)).toBe("COMPLETED");
  expect((await onlyTrial(cluster, again.id)).lengthTrained).toBe(600);
}, 180_000);

test("a fork runs the source's config, or the edited config given with --config", async () => {
  const cluster = await startCluster({ slots: 2 });
  const sourceId = await createExperiment(cluster, syntheticConfig("const.yaml"), SYNTHETIC_DIR);
  expect(await waitForEnd(cluster, sourceId)).toBe("COMPLETED");

  const same = parseJson<ExperimentDetail>(
    await cli(cluster, ["experiment", "fork", String(sourceId), "--json"]),
  );
  expect(await waitForEnd(cluster, same.id)).toBe("COMPLETED");
  const source = await cluster.api<ExperimentDetail>("GET", `/experiments/${sourceId}`);
  expect(same.config).toEqual(source.config);

  // The config as the master holds it, edited, is what the fork runs.
  const printed = (await cli(cluster, ["experiment", "config", String(sourceId)])).stdout;
  expect(printed).toContain("max_restarts: 5");
  const file = join(cluster.dataDir, "edited.yaml");
  await writeFile(
    file,
    printed
      .replace("name: synthetic-const", "name: longer")
      .replace("batches: 200", "batches: 300"),
  );
  const edited = parseJson<ExperimentDetail>(
    await cli(cluster, ["experiment", "fork", String(sourceId), "--config", file, "--json"]),
  );
  expect(edited.name).toBe("longer");
  expect(await waitForEnd(cluster, edited.id)).toBe("COMPLETED");
  expect((await onlyTrial(cluster, edited.id)).lengthTrained).toBe(300);
}, 180_000);
