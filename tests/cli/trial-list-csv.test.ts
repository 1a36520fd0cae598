/**
 * `trial list --csv` exports an experiment's trials for a spreadsheet or
 * pandas: a row per trial in the list's order, the searcher metric, length,
 * restarts and times, then a column per hyperparameter, values unrounded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trialsCsv } from "../../src/cli/format/trials-csv.js";
import type { TrialList, TrialSummary } from "../../src/protocol/api/resources.js";
import { syntheticLoss } from "../master/support/configs.js";
import { TrialPlayer } from "../master/support/trial-player.js";
import { mappingSpecs } from "../protocol/support/mapping-hparams.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

function trial(id: number, hparams: Record<string, unknown>, best: number | null): TrialSummary {
  return {
    id,
    state: best === null ? "ACTIVE" : "COMPLETED",
    hparams,
    bestValidation: best,
    latestValidation: best,
    lengthTrained: 100,
    restarts: 0,
    parentTrialId: id === 4 ? 3 : null,
    createdAt: "2026-01-01T00:00:00.000Z",
    endedAt: best === null ? null : "2026-01-01T00:01:00.000Z",
  } as unknown as TrialSummary;
}

describe("trials as CSV", () => {
  it("has a column per hyperparameter, a nested group's dotted, a mapping's as quoted JSON", () => {
    const csv = trialsCsv(
      [
        trial(
          3,
          {
            lr: 0.000123456789,
            optimizer: { name: "adam", beta: 0.9 },
            model: { depth: 2, head: null },
          },
          0.25,
        ),
        trial(4, { lr: 0.1, optimizer: 'a, "b"', model: { depth: 3, head: null } }, null),
      ],
      "loss",
      mappingSpecs,
    );
    expect(csv.split("\r\n")).toEqual([
      "id,state,best_loss,latest_loss,length,restarts,parent,created,ended,lr,optimizer,model.depth,model.head",
      '3,COMPLETED,0.25,0.25,100,0,,2026-01-01T00:00:00.000Z,2026-01-01T00:01:00.000Z,0.000123456789,"{""name"":""adam"",""beta"":0.9}",2,null',
      '4,ACTIVE,,,100,0,3,2026-01-01T00:00:00.000Z,,0.1,"a, ""b""",3,null',
      "",
    ]);
  });

  it("adds a hyperparameter the config does not list after the config's, empty where a trial lacks it", () => {
    const csv = trialsCsv(
      [trial(1, { lr: 0.1 }, 1), trial(2, { lr: 0.2, extra: 7 }, 2)],
      "m",
      mappingSpecs,
    );
    const [header, first, second] = csv.split("\r\n");
    expect(header).toBe(
      "id,state,best_m,latest_m,length,restarts,parent,created,ended,lr,optimizer,model.depth,model.head,extra",
    );
    expect(first!.endsWith(",0.1,,,,")).toBe(true);
    expect(second!.endsWith(",0.2,,,,7")).toBe(true);
  });
});

describe("trial list --csv", () => {
  let m: CliMaster;
  let id: number;
  beforeAll(async () => {
    m = await startCliMaster();
    id = await createExperiment(m.tm);
    await new TrialPlayer(m.tm, syntheticLoss).run(id);
  });
  afterAll(async () => m.close());

  it("lists the trials in the order --json does, best first", async () => {
    const csv = await runCli(["trial", "list", String(id), "--csv"], { env: m.env });
    expect(csv.code).toBe(0);
    const lines = csv.stdout.split("\r\n").filter((l) => l !== "");
    const json = parseJson<TrialList>(
      await runCli(["trial", "list", String(id), "--json"], { env: m.env }),
    );
    expect(lines[0]).toMatch(/^id,state,best_\w+,latest_\w+,length,restarts,parent,created,ended,/);
    expect(lines.slice(1).map((l) => Number(l.split(",")[0]))).toEqual(
      json.trials.map((t) => t.id),
    );
    expect(Number(lines[1]!.split(",")[2])).toBe(json.trials[0]!.bestValidation);
  });

  it("does not go with --json", async () => {
    const r = await runCli(["trial", "list", String(id), "--csv", "--json"], { env: m.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--json and --csv do not go together");
  });
});
