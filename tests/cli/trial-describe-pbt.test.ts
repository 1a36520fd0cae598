/** `pushtune trial describe` of a trial that population-based training copied from another. */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { TrialList } from "../../src/protocol/api/resources.js";
import { pbtConfig, syntheticLoss } from "../master/support/configs.js";
import { TrialPlayer } from "../master/support/trial-player.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { runCli } from "./support/run-cli.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster();
});
afterAll(async () => m.close());

test("names the trial it was copied from, and a sampled trial names none", async () => {
  const created = await m.tm.admin.post<{ id: number }>("/experiments", {
    config: pbtConfig(),
    workdir: m.tm.dataDir,
  });
  const id = created.body.id;
  await m.tm.settle();
  await new TrialPlayer(m.tm, syntheticLoss).run(id);
  const { trials } = (await m.tm.admin.get<TrialList>(`/experiments/${id}/trials`)).body;
  const child = trials.find((t) => t.parentTrialId !== null)!;
  const copied = await runCli(["trial", "describe", String(child.id)], { env: m.env });
  expect(copied.code).toBe(0);
  // The player never checkpoints, so the copy started from scratch.
  expect(copied.stdout).toMatch(
    new RegExp(`^copied from\\s+trial ${child.parentTrialId} \\(from scratch\\)$`, "m"),
  );
  const sampled = await runCli(["trial", "describe", String(trials[0]!.id)], { env: m.env });
  expect(sampled.stdout).not.toMatch(/copied from/);
});
