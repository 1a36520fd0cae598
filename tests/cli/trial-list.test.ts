import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrialList } from "../../src/protocol/api/resources.js";
import { syntheticLoss } from "../master/support/configs.js";
import { TrialPlayer } from "../master/support/trial-player.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let smaller: number;
let larger: number;
beforeAll(async () => {
  m = await startCliMaster({ slots: 8 });
  smaller = await createExperiment(m.tm);
  await new TrialPlayer(m.tm, syntheticLoss).run(smaller);
  larger = await createExperiment(m.tm, { smaller_is_better: false });
  await new TrialPlayer(m.tm, syntheticLoss).run(larger);
});
afterAll(async () => m.close());

const bests = (list: TrialList) => list.trials.map((t) => t.bestValidation!);

describe.concurrent("trial list", () => {
  it("--json lists the API's trials, best first when smaller is better", async () => {
    const r = await runCli(["trial", "list", String(smaller), "--json"], { env: m.env });
    expect(r.code).toBe(0);
    const list = parseJson<TrialList>(r);
    expect(list.trials).toHaveLength(9);
    expect(list.trials[0]).toMatchObject({ experimentId: smaller, state: "COMPLETED" });
    expect(Object.keys(list.trials[0]!.hparams).sort()).toEqual(["hidden", "lr"]);
    expect(bests(list)).toEqual([...bests(list)].sort((a, b) => a - b));
  });

  it("best first means largest first when larger is better", async () => {
    const r = await runCli(["trial", "list", String(larger), "--json"], { env: m.env });
    const list = parseJson<TrialList>(r);
    expect(bests(list)).toEqual([...bests(list)].sort((a, b) => b - a));
  });

  it("--sort takes the searcher metric or a column", async () => {
    const byId = parseJson<TrialList>(
      await runCli(["trial", "list", String(smaller), "--json", "--sort", "id"], { env: m.env }),
    );
    const ids = byId.trials.map((t) => t.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const byLength = parseJson<TrialList>(
      await runCli(["trial", "list", String(smaller), "--json", "--sort", "length"], {
        env: m.env,
      }),
    );
    const lengths = byLength.trials.map((t) => t.lengthTrained);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
    expect(lengths[0]).toBe(900);
    const byMetric = parseJson<TrialList>(
      await runCli(["trial", "list", String(smaller), "--json", "--sort", "validation_loss"], {
        env: m.env,
      }),
    );
    expect(bests(byMetric)).toEqual([...bests(byMetric)].sort((a, b) => a - b));
  });

  it("--sort with a metric the master does not keep is a usage error naming the choices", async () => {
    const r = await runCli(["trial", "list", String(smaller), "--sort", "accuracy"], {
      env: m.env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot sort trials by "accuracy"');
    expect(r.stderr).toContain("validation_loss, id, state, length, restarts, latest");
  });

  it("prints a table with the metric, lengths and only the hyperparameters that vary", async () => {
    const r = await runCli(["trial", "list", String(smaller)], { env: m.env });
    expect(r.code).toBe(0);
    const [header, first] = r.stdout.split("\n");
    expect(header).toMatch(
      /^ID\s+STATE\s+BEST validation_loss\s+LATEST\s+LENGTH\s+RESTARTS\s+HPARAMS$/,
    );
    expect(first).toMatch(
      /^\s*\d+\s+COMPLETED\s+[\d.]+\s+[\d.]+\s+900\s+0\s+lr=[\d.e-]+ hidden=\d+$/,
    );
  });

  it("an unknown experiment exits with 1", async () => {
    const r = await runCli(["trial", "list", "777"], { env: m.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pushtune: no experiment 777\n");
  });
});
