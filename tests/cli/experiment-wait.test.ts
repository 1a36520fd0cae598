import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { syntheticLoss } from "../master/support/configs.js";
import { TrialPlayer } from "../master/support/trial-player.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { fakeIo, runInProcess } from "./support/fake-io.js";
import { parseJson, spawnCli } from "./support/run-cli.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster();
});
afterAll(async () => m.close());

describe("experiment wait", () => {
  it("returns 0 once the experiment completes", async () => {
    const id = await createExperiment(m.tm);
    const wait = spawnCli(["experiment", "wait", String(id), "--interval", "0.2"], { env: m.env });
    // The waiter is polling while the trials still run.
    await new Promise((r) => setTimeout(r, 500));
    expect(wait.child.exitCode).toBeNull();
    expect(await new TrialPlayer(m.tm, syntheticLoss).run(id)).toBe("COMPLETED");
    const r = await wait.result;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`experiment ${id} COMPLETED\n`);
  });

  it("returns 1 when the experiment ends any other way, and --json prints it", async () => {
    const id = await createExperiment(m.tm);
    const wait = spawnCli(["experiment", "wait", String(id), "--interval", "0.2", "--json"], {
      env: m.env,
    });
    await m.tm.admin.post(`/experiments/${id}/kill`);
    await m.tm.settle();
    const r = await wait.result;
    expect(r.code).toBe(1);
    expect(parseJson<ExperimentDetail>(r)).toMatchObject({ id, state: "CANCELED" });
  });

  it("Ctrl-C stops waiting, not the experiment", async () => {
    const id = await createExperiment(m.tm);
    const io = fakeIo({ env: m.env });
    const run = runInProcess(["experiment", "wait", String(id), "--interval", "0.2"], {}, io);
    await io.listeningForInterrupt();
    io.interrupt();
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`experiment ${id} keeps running`);
    expect((await m.tm.admin.get<ExperimentDetail>(`/experiments/${id}`)).body.state).toBe(
      "ACTIVE",
    );
  });

  it("an unknown experiment fails at once", async () => {
    const r = await spawnCli(["experiment", "wait", "999"], { env: m.env }).result;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no experiment 999");
  });
});
