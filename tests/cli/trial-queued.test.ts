/**
 * A trial whose run holds its slot but has not started (a Slurm job still
 * waiting in the cluster's queue) is shown as queued, not as training:
 * `queued` in the API and --json, "(queued)" in `trial list`, and the reason
 * in `trial describe`.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { TrialList } from "../../src/protocol/api/resources.js";
import { running } from "../master/support/trial.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let id: number;
let queued: number;
let started: number;

beforeAll(async () => {
  m = await startCliMaster({ slots: 4 });
  id = await createExperiment(m.tm);
  const [a, b] = running(m.tm);
  m.tm.launcher.queuedJobs.add(a!.allocationId);
  queued = a!.trialId;
  started = b!.trialId;
});
afterAll(async () => m.close());

test("the API and --json say which running trials are queued", async () => {
  const list = parseJson<TrialList>(
    await runCli(["trial", "list", String(id), "--json"], { env: m.env }),
  );
  const byId = new Map(list.trials.map((t) => [t.id, t]));
  expect(byId.get(queued)).toMatchObject({ running: true, queued: true });
  expect(byId.get(started)).toMatchObject({ running: true, queued: false });
});

test("trial list and trial describe show it in the trial's state", async () => {
  const r = await runCli(["trial", "list", String(id)], { env: m.env });
  const rows = r.stdout.split("\n");
  const row = (trialId: number) => rows.find((l) => l.trim().startsWith(`${trialId} `)) ?? "";
  expect(row(queued)).toMatch(/ACTIVE\* \(queued\)/);
  expect(row(started)).not.toContain("queued");
  const d = await runCli(["trial", "describe", String(queued)], { env: m.env });
  expect(d.stdout).toMatch(/state\s+ACTIVE \(queued: its job waits in the cluster's queue\)/);
});
