import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster({ slots: 8 });
});
afterAll(async () => m.close());

const state = async (id: number) =>
  (await m.tm.admin.get<ExperimentDetail>(`/experiments/${id}`)).body.state;

describe("experiment pause, activate, cancel, kill and delete", () => {
  it("pause and activate change the state and say so", async () => {
    const id = await createExperiment(m.tm);
    const paused = await runCli(["experiment", "pause", String(id)], { env: m.env });
    expect(paused.code).toBe(0);
    expect(paused.stdout).toBe(`experiment ${id} is PAUSED\n`);
    expect(await state(id)).toBe("PAUSED");
    const active = await runCli(["experiment", "activate", String(id), "--json"], {
      env: m.env,
    });
    expect(active.code).toBe(0);
    expect(parseJson<ExperimentDetail>(active)).toMatchObject({ id, state: "ACTIVE" });
  });

  it("cancel asks the running trials to stop; kill ends the experiment at once", async () => {
    const id = await createExperiment(m.tm);
    const cancel = await runCli(["experiment", "cancel", String(id)], { env: m.env });
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(
      new RegExp(`^experiment ${id} is (STOPPING_CANCELED|CANCELED)\n$`),
    );
    const kill = await runCli(["experiment", "kill", String(id)], { env: m.env });
    expect(kill.code).toBe(0);
    await m.tm.settle();
    expect(await state(id)).toBe("CANCELED");
  });

  it("an action the experiment's state does not allow fails with the master's reason", async () => {
    const id = await createExperiment(m.tm);
    await m.tm.admin.post(`/experiments/${id}/kill`);
    await m.tm.settle();
    const r = await runCli(["experiment", "pause", String(id)], { env: m.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`experiment ${id} is CANCELED: cannot pause it`);
  });

  it("delete removes an ended experiment and refuses a running one", async () => {
    const id = await createExperiment(m.tm);
    const refused = await runCli(["experiment", "delete", String(id)], { env: m.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("only an ended experiment can be deleted");
    await m.tm.admin.post(`/experiments/${id}/kill`);
    await m.tm.settle();
    const r = await runCli(["experiment", "delete", String(id)], { env: m.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`deleted experiment ${id}\n`);
    expect((await m.tm.admin.get(`/experiments/${id}`)).status).toBe(404);
  });
});
