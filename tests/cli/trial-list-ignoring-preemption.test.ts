/** `pushtune trial list` and `trial describe` show a trial whose process ignores a request to stop. */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { TrialList } from "../../src/protocol/api/resources.js";
import { running } from "../master/support/trial.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let id: number;
let ignoring: number;
let acked: number;
let past: Date;
/**
 * `seconds` are the whole seconds since the trials were told to stop, as a
 * view made since shows them: at least 45, and no more than have passed by
 * now (a CLI that starts slowly on a busy machine may show more than 49).
 */
function expectIgnoredSince(seconds: number) {
  expect(seconds).toBeGreaterThanOrEqual(45);
  expect(seconds).toBeLessThanOrEqual(Math.floor((Date.now() - past.getTime()) / 1000));
}

/** `text` matches `pattern`; its one group is the seconds, checked as above. */
function expectShownIgnoring(text: string, pattern: RegExp) {
  expect(text).toMatch(pattern);
  expectIgnoredSince(Number(pattern.exec(text)![1]));
}

beforeAll(async () => {
  m = await startCliMaster({ slots: 4 });
  id = await createExperiment(m.tm);
  const [a, b] = running(m.tm);
  await m.tm.admin.post(`/experiments/${id}/pause`);
  ignoring = a!.trialId;
  acked = b!.trialId;
  // Told to stop 45 s ago: one never answered, the other acknowledged (it is checkpointing).
  past = new Date(Date.now() - 45_000);
  await m.tm.store.updateAllocation(a!.allocationId, { preemptRequestedAt: past });
  await m.tm.store.updateAllocation(b!.allocationId, { preemptRequestedAt: past });
  await m.tm
    .as(b!.env.PUSHTUNE_TOKEN!)
    .post(`/allocations/${b!.allocationId}/signals/ack_preemption`);
});
afterAll(async () => m.close());

test("the API and --json say how long a trial has been ignoring its preemption", async () => {
  const list = parseJson<TrialList>(
    await runCli(["trial", "list", String(id), "--json"], { env: m.env }),
  );
  const byId = new Map(list.trials.map((t) => [t.id, t.ignoringPreemptionSeconds]));
  expect(byId.get(ignoring)).toEqual(expect.any(Number));
  expectIgnoredSince(byId.get(ignoring)!);
  expect(byId.get(acked)).toBeNull();
});

test("the table shows it in the trial's state", async () => {
  const r = await runCli(["trial", "list", String(id)], { env: m.env });
  expect(r.code).toBe(0);
  const rows = r.stdout.split("\n");
  const row = (trialId: number) => rows.find((l) => l.trim().startsWith(`${trialId} `)) ?? "";
  expectShownIgnoring(row(ignoring), /PAUSED\* \(ignoring preemption for (\d+) s\)/);
  expect(row(acked)).not.toContain("ignoring");
});

test("trial describe shows it too", async () => {
  const r = await runCli(["trial", "describe", String(ignoring)], { env: m.env });
  expectShownIgnoring(r.stdout, /state\s+PAUSED \(running, ignoring preemption for (\d+) s\)/);
});
