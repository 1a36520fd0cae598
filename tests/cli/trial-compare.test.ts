import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrialList, TrialSummary } from "../../src/protocol/api/resources.js";
import { syntheticLoss } from "../master/support/configs.js";
import { TrialPlayer } from "../master/support/trial-player.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let a: TrialSummary;
let b: TrialSummary;
beforeAll(async () => {
  m = await startCliMaster();
  const id = await createExperiment(m.tm);
  await new TrialPlayer(m.tm, syntheticLoss).run(id);
  const { trials } = (await m.tm.admin.get<TrialList>(`/experiments/${id}/trials`)).body;
  a = trials[0]!;
  b = trials[1]!;
});
afterAll(async () => m.close());

const fixed = (v: number) => String(Number(v.toPrecision(4)));

describe.concurrent("trial compare", () => {
  it("prints the trials side by side, differing hyperparameters marked ≠, with their best and latest metric", async () => {
    const r = await runCli(["trial", "compare", String(a.id), String(b.id)], {
      env: { ...m.env, COLUMNS: "120" },
    });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^\\s+TRIAL\\s+${a.id}\\s+${b.id}$`));
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^≠  lr\\s+${fixed(Number(a.hparams.lr))}\\s+${fixed(Number(b.hparams.lr))}$`),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^\\s+best validation_loss\\s+${fixed(a.bestValidation!)}\\s+${fixed(b.bestValidation!)}$`,
        ),
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^\s+state\s+COMPLETED\s+COMPLETED$/));
  });

  it("--json gives the trials, their metrics at their best validation and the differing hyperparameters", async () => {
    const r = await runCli(["trial", "compare", String(a.id), String(b.id), "--json"], {
      env: m.env,
    });
    expect(r.code).toBe(0);
    const out = parseJson<{
      trials: { id: number; metric: string; atBest: Record<string, number> }[];
      differing: string[];
    }>(r);
    expect(out.trials.map((t) => t.id)).toEqual([a.id, b.id]);
    expect(out.trials[0]!.metric).toBe("validation_loss");
    expect(out.trials[0]!.atBest.validation_loss).toBeDefined();
    const differing = Object.keys(a.hparams).filter(
      (k) => JSON.stringify(a.hparams[k]) !== JSON.stringify(b.hparams[k]),
    );
    expect(out.differing.sort()).toEqual(differing.sort());
  });

  it("needs two ids, and names an unknown one", async () => {
    const one = await runCli(["trial", "compare", String(a.id)], { env: m.env });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("compare needs at least two trial ids");
    const unknown = await runCli(["trial", "compare", String(a.id), "4242"], { env: m.env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("pushtune: no trial 4242\n");
  });
});
