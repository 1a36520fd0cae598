import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { syntheticLoss } from "../master/support/configs.js";
import { TrialPlayer } from "../master/support/trial-player.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let id: number;
beforeAll(async () => {
  m = await startCliMaster();
  id = await createExperiment(m.tm);
  const player = new TrialPlayer(m.tm, syntheticLoss);
  for (let i = 0; i < 5; i++) await player.step();
});
afterAll(async () => m.close());

describe.concurrent("experiment describe", () => {
  it("--json prints the API's experiment", async () => {
    const r = await runCli(["experiment", "describe", String(id), "--json"], { env: m.env });
    expect(r.code).toBe(0);
    const e = parseJson<ExperimentDetail>(r);
    const api = (await m.tm.admin.get<ExperimentDetail>(`/experiments/${id}`)).body;
    const { etaSeconds: _a, ...fromCli } = e;
    const { etaSeconds: _b, ...fromApi } = api;
    expect(fromCli).toEqual(fromApi);
  });

  it("shows its searcher, progress, best metric and its trials, best first", async () => {
    const r = await runCli(["e", "describe", String(id)], { env: m.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/searcher\s+async_halving on validation_loss \(smaller is better\)/);
    expect(r.stdout).toMatch(/max length\s+900 batches/);
    expect(r.stdout).toMatch(/progress\s+\d+%/);
    const api = (await m.tm.admin.get<ExperimentDetail>(`/experiments/${id}`)).body;
    expect(r.stdout).toContain(`validation_loss ${String(Number(api.bestMetric!.toPrecision(4)))}`);
    const rows = r.stdout.split("\n").filter((l) => /^\s*\d+\s+(ACTIVE|COMPLETED)/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const metrics = rows
      .map((l) => l.trim().split(/\s+/)[2]!)
      .filter((v) => v !== "–")
      .map(Number);
    expect(metrics).toEqual([...metrics].sort((a, b) => a - b));
  });

  it("an unknown id says there is no such experiment and exits with 1", async () => {
    const r = await runCli(["experiment", "describe", "4242"], { env: m.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pushtune: no experiment 4242\n");
  });
});
