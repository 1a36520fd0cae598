import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AshaRung, AshaRungs, ValidationColumns } from "../../src/protocol/api/charts.js";
import type {
  ExperimentDetail,
  TrialList,
  TrialSummary,
} from "../../src/protocol/api/resources.js";
import { syntheticLoss } from "../master/support/configs.js";
import { TrialPlayer } from "../master/support/trial-player.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

interface Summary {
  bestTrial: TrialSummary | null;
  rungs: AshaRung[] | null;
  optimizationHistory: { validations: number; improvements: { trialId: number; value: number }[] };
}

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
  it("--json prints the API's experiment, with its best trial, rungs and optimization history", async () => {
    const r = await runCli(["experiment", "describe", String(id), "--json"], { env: m.env });
    expect(r.code).toBe(0);
    const e = parseJson<ExperimentDetail & Summary>(r);
    const api = (await m.tm.admin.get<ExperimentDetail>(`/experiments/${id}`)).body;
    const { etaSeconds: _a, bestTrial, rungs, optimizationHistory, ...fromCli } = e;
    const { etaSeconds: _b, ...fromApi } = api;
    expect(fromCli).toEqual(fromApi);
    const { trials } = (await m.tm.admin.get<TrialList>(`/experiments/${id}/trials`)).body;
    const best = trials.filter((t) => t.bestValidation === api.bestMetric);
    expect(best.map((t) => t.id)).toContain(bestTrial!.id);
    expect(rungs).toEqual((await m.tm.admin.get<AshaRungs>(`/experiments/${id}/rungs`)).body.rungs);
    const columns = (
      await m.tm.admin.get<ValidationColumns>(`/experiments/${id}/validation-columns`)
    ).body;
    expect(optimizationHistory.validations).toBe(columns.values.length);
    const values = optimizationHistory.improvements.map((i) => i.value);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values.at(-1)).toBe(Math.min(...columns.values));
    expect(values[0]).toBe(columns.values[0]);
  });

  it("shows the best trial with its hyperparameters, the rungs and the optimization history as a plot", async () => {
    const r = await runCli(["e", "describe", String(id)], { env: { ...m.env, COLUMNS: "100" } });
    expect(r.code).toBe(0);
    const api = (await m.tm.admin.get<ExperimentDetail>(`/experiments/${id}`)).body;
    const { trials } = (await m.tm.admin.get<TrialList>(`/experiments/${id}/trials`)).body;
    const best = trials.find((t) => t.bestValidation === api.bestMetric)!;
    expect(r.stdout).toMatch(new RegExp(`best trial\\ntrial\\s+${best.id} \\(`));
    expect(r.stdout).toMatch(/hparams\s+lr=\S+/);
    const rungs = (await m.tm.admin.get<AshaRungs>(`/experiments/${id}/rungs`)).body.rungs;
    expect(rungs.length).toBeGreaterThan(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `rungs\\nRUNG\\s+LENGTH\\s+REACHED\\s+PROMOTED\\n\\s+1\\s+${rungs[0]!.length}\\s+${rungs[0]!.reached.length}\\s+${rungs[0]!.promoted.length}\\n`,
      ),
    );
    const plot = r.stdout.split("optimization history\n")[1]!.split("\n");
    expect(plot[0]).toMatch(/^best validation_loss so far \(\*\) and each validation \(·\)/);
    const rows = plot.slice(1, 9);
    expect(rows.every((l) => l.includes("│"))).toBe(true);
    // The best so far ends on the lowest row, labelled with the lowest validation.
    const columns = (
      await m.tm.admin.get<ValidationColumns>(`/experiments/${id}/validation-columns`)
    ).body;
    const lowest = Math.min(...columns.values);
    expect(rows[7]).toMatch(
      new RegExp(`^${String(Number(lowest.toPrecision(4))).replace(".", "\\.")} │.*\\*$`),
    );
    expect(plot[9]).toMatch(/^\s+└─+$/);
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
