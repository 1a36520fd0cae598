import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentList } from "../../src/protocol/api/resources.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let running: number;
let ended: number;
beforeAll(async () => {
  m = await startCliMaster();
  running = await createExperiment(m.tm, {}, { name: "a-search-with-a-rather-long-name-indeed" });
  ended = await createExperiment(m.tm);
  await m.tm.admin.post(`/experiments/${ended}/kill`);
  await m.tm.settle();
});
afterAll(async () => m.close());

describe.concurrent("experiment list", () => {
  it("shows the experiments that have not ended, as JSON in the API's shape", async () => {
    const r = await runCli(["experiment", "list", "--json"], { env: m.env });
    expect(r.code).toBe(0);
    const { experiments } = parseJson<ExperimentList>(r);
    expect(experiments.map((e) => e.id)).toEqual([running]);
    const e = experiments[0]!;
    expect(e).toMatchObject({
      state: "ACTIVE",
      searcher: "async_halving",
      metric: "validation_loss",
    });
    expect(typeof e.progress).toBe("number");
    expect(e.trialCounts).toEqual({ ACTIVE: 3 });
  });

  it("--all adds the ended ones", async () => {
    const r = await runCli(["experiment", "list", "--all", "--json"], { env: m.env });
    const { experiments } = parseJson<ExperimentList>(r);
    expect(experiments.map((e) => [e.id, e.state])).toEqual([
      [running, "ACTIVE"],
      [ended, "CANCELED"],
    ]);
  });

  it("prints a table that fits the terminal, cutting long names and leaving out minor columns", async () => {
    const r = await runCli(["experiment", "list", "--all"], { env: { ...m.env, COLUMNS: "80" } });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATE\s+PROGRESS\s+TRIALS\s+METRIC\s+BEST$/);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines[1]).toContain("a-search-with");
    expect(lines[1]).toContain("…");
    expect(lines[2]).toContain("CANCELED");
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("without a terminal or COLUMNS nothing is cut", async () => {
    const r = await runCli(["experiment", "list"], { env: m.env });
    expect(r.stdout).toContain("a-search-with-a-rather-long-name-indeed");
    expect(r.stdout).toMatch(
      /^ID\s+NAME\s+STATE\s+OWNER\s+SEARCHER\s+PROGRESS\s+TRIALS\s+METRIC\s+BEST\s+CREATED$/m,
    );
  });
});
