import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { running } from "../master/support/trial.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { runCli, spawnCli } from "./support/run-cli.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster({ slots: 16 });
});
afterAll(async () => m.close());

/** Pushes log lines as the running trial would, and waits until they are stored. */
async function pushLogs(trialId: number, lines: string[], stream: "stdout" | "stderr" = "stdout") {
  const spec = running(m.tm, trialId)[0]!;
  const res = await m.tm
    .as(spec.env.PUSHTUNE_TOKEN!)
    .post(`/trials/${trialId}/logs`, { lines: lines.map((line) => ({ stream, line })) });
  if (res.status !== 200) throw new Error(`logs: ${res.status}`);
  await m.tm.master.supervisor.logs.flush();
}

async function runningTrial(): Promise<number> {
  const exp = await createExperiment(m.tm);
  return running(m.tm).find((s) => s.experimentId === exp)!.trialId;
}

describe("trial logs", () => {
  it("prints a trial's lines in order, stdout and stderr together", async () => {
    const trial = await runningTrial();
    await pushLogs(trial, ["epoch 1", "epoch 2"]);
    await pushLogs(trial, ["a warning"], "stderr");
    await pushLogs(trial, ["epoch 3"]);
    const r = await runCli(["trial", "logs", String(trial)], { env: m.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("epoch 1\nepoch 2\na warning\nepoch 3\n");
  });

  it("--tail N prints only the last N lines", async () => {
    const trial = await runningTrial();
    await pushLogs(
      trial,
      Array.from({ length: 20 }, (_, i) => `line ${i + 1}`),
    );
    const r = await runCli(["trial", "logs", String(trial), "--tail", "3"], { env: m.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("line 18\nline 19\nline 20\n");
  });

  it("--follow prints new lines as they come and stops when the trial ends", async () => {
    const trial = await runningTrial();
    await pushLogs(trial, ["starting"]);
    const follow = spawnCli(["trial", "logs", String(trial), "--follow"], { env: m.env });
    await follow.waitForOutput(/^starting\n/);
    await pushLogs(trial, ["step 100", "step 200"]);
    await follow.waitForOutput(/step 200\n/);
    const experimentId = running(m.tm, trial)[0]!.experimentId;
    await m.tm.admin.post(`/experiments/${experimentId}/kill`);
    await m.tm.settle();
    const r = await follow.result;
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("starting\nstep 100\nstep 200\n")).toBe(true);
  });

  it("an unknown trial exits with 1", async () => {
    const r = await runCli(["trial", "logs", "4444"], { env: m.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no trial 4444");
  });
});
