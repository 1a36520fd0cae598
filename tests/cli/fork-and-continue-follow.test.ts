/**
 * `experiment fork` and `trial continue` create an experiment as `experiment
 * create` does, and follow it as `create --follow` does: until it ends, with
 * the exit code of `experiment follow`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrialList } from "../../src/protocol/api/resources.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment, playWithCheckpoints } from "./support/experiments.js";
import { runCli, spawnCli } from "./support/run-cli.js";

let m: CliMaster;
let source: number;
let ended: number;
beforeAll(async () => {
  m = await startCliMaster();
  source = await createExperiment(m.tm);
  await playWithCheckpoints(m.tm, source);
  const { trials } = (await m.tm.admin.get<TrialList>(`/experiments/${source}/trials`)).body;
  ended = trials.find((t) => t.state === "COMPLETED" && t.latestCheckpoint !== null)!.id;
});
afterAll(async () => m.close());

async function followedUntilKilled(args: string[]) {
  const follow = spawnCli([...args, "--follow", "--interval", "0.2"], { env: m.env });
  await follow.waitForOutput(/^progress /m);
  const id = Number(/^created experiment (\d+)/.exec(follow.stdout())?.[1]);
  expect(id).toBeGreaterThan(source);
  await m.tm.admin.post(`/experiments/${id}/kill`);
  await m.tm.settle();
  const r = await follow.result;
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`experiment ${id} CANCELED`);
}

describe.concurrent("following a fork or a continued trial", () => {
  it("experiment fork --follow follows the new experiment until it ends", async () => {
    await followedUntilKilled(["experiment", "fork", String(source)]);
  });

  it("trial continue --follow follows the new experiment until it ends", async () => {
    await followedUntilKilled(["trial", "continue", String(ended), "--length", "5000"]);
  });

  it("--interval without --follow, or --follow with --json, is a usage error", async () => {
    const interval = await runCli(["experiment", "fork", String(source), "--interval", "1"], {
      env: m.env,
    });
    expect([interval.code, interval.stderr]).toEqual([
      2,
      expect.stringContaining("--interval is the time between updates of --follow"),
    ]);
    const json = await runCli(
      ["trial", "continue", String(ended), "--length", "5000", "--follow", "--json"],
      { env: m.env },
    );
    expect([json.code, json.stderr]).toEqual([
      2,
      expect.stringContaining("--json and --follow do not go together"),
    ]);
  });
});
