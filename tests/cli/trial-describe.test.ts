import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrialDetail, TrialList } from "../../src/protocol/api/resources.js";
import { syntheticLoss } from "../master/support/configs.js";
import { TrialPlayer } from "../master/support/trial-player.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let top: number;
beforeAll(async () => {
  m = await startCliMaster();
  const id = await createExperiment(m.tm);
  await new TrialPlayer(m.tm, syntheticLoss).run(id);
  const { trials } = (await m.tm.admin.get<TrialList>(`/experiments/${id}/trials`)).body;
  top = trials.find((t) => t.lengthTrained === 900)!.id;
});
afterAll(async () => m.close());

describe.concurrent("trial describe", () => {
  it("--json prints the API's trial with its operations and runs", async () => {
    const r = await runCli(["trial", "describe", String(top), "--json"], { env: m.env });
    expect(r.code).toBe(0);
    const t = parseJson<TrialDetail>(r);
    expect(t).toEqual((await m.tm.admin.get<TrialDetail>(`/trials/${top}`)).body);
    expect(t.ops.map((o) => o.length)).toEqual([100, 300, 900]);
    expect(t.allocations.length).toBeGreaterThanOrEqual(1);
  });

  it("shows hyperparameters, lengths with their unit, operations and runs", async () => {
    const r = await runCli(["trial", "describe", String(top)], { env: m.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^id\\s+${top}$`, "m"));
    expect(r.stdout).toMatch(/^hparams\s+lr=[\d.e-]+ hidden=\d+$/m);
    expect(r.stdout).toMatch(/^trained\s+900 batches$/m);
    expect(r.stdout).toMatch(/^best validation_loss\s+[\d.]+$/m);
    expect(r.stdout).toMatch(/^operations\n\s*LENGTH\s+DONE\s+validation_loss\n\s*100\s+yes/m);
    expect(r.stdout).toMatch(/^runs\n\s*RUN\s+STATE\s+EXIT/m);
  });

  it("an unknown trial says so and exits with 1", async () => {
    const r = await runCli(["trial", "describe", "9999"], { env: m.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pushtune: no trial 9999\n");
  });
});
