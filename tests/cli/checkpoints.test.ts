import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckpointList } from "../../src/protocol/api/resources.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { CHECKPOINT_FILES, createExperiment, playWithCheckpoints } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let experiment: number;
let kept: CheckpointList["checkpoints"];
beforeAll(async () => {
  m = await startCliMaster();
  experiment = await createExperiment(m.tm);
  await playWithCheckpoints(m.tm, experiment);
  kept = (await m.tm.admin.get<CheckpointList>(`/experiments/${experiment}/checkpoints`)).body
    .checkpoints;
});
afterAll(async () => m.close());

describe.concurrent("checkpoint list and download", () => {
  it("checkpoint list EXPERIMENT --json gives the API's checkpoints, best metric first", async () => {
    const r = await runCli(["checkpoint", "list", String(experiment), "--json"], { env: m.env });
    expect(r.code).toBe(0);
    const { checkpoints } = parseJson<CheckpointList>(r);
    expect(checkpoints.map((c) => c.uuid).sort()).toEqual(kept.map((c) => c.uuid).sort());
    const active = checkpoints.filter((c) => c.validationMetric !== null);
    expect(active.length).toBeGreaterThan(0);
    const metrics = active.map((c) => c.validationMetric!);
    expect(metrics).toEqual([...metrics].sort((a, b) => a - b));
    expect(checkpoints[0]).toMatchObject({ experimentId: experiment, state: "ACTIVE" });
    expect(Object.keys(checkpoints[0]!.resources).sort()).toEqual(
      Object.keys(CHECKPOINT_FILES).sort(),
    );
  });

  it("checkpoint list --trial ID lists one trial's checkpoints", async () => {
    const trialId = kept[0]!.trialId;
    const r = await runCli(["checkpoint", "list", "--trial", String(trialId), "--json"], {
      env: m.env,
    });
    expect(r.code).toBe(0);
    const { checkpoints } = parseJson<CheckpointList>(r);
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(new Set(checkpoints.map((c) => c.trialId))).toEqual(new Set([trialId]));
  });

  it("prints a table with uuid, trial, steps, metric and size", async () => {
    const r = await runCli(["checkpoint", "list", String(experiment)], { env: m.env });
    expect(r.code).toBe(0);
    const [header, first] = r.stdout.split("\n");
    expect(header).toMatch(
      /^UUID\s+TRIAL\s+STEPS\s+validation_loss\s+FILES\s+SIZE\s+STATE\s+CREATED$/,
    );
    expect(first).toMatch(/^[0-9a-f-]{36}\s+\d+\s+[\d,]+\s+[\d.]+\s+2\s+\d+ B\s+ACTIVE\s/);
  });

  it("checkpoint download UUID DIR writes every file, byte for byte", async () => {
    const best = parseJson<CheckpointList>(
      await runCli(["checkpoint", "list", String(experiment), "--json"], { env: m.env }),
    ).checkpoints[0]!;
    const dir = join(await mkdtemp(join(tmpdir(), "pushtune-download-")), "best");
    const r = await runCli(["checkpoint", "download", best.uuid, dir], { env: m.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `downloaded checkpoint ${best.uuid}: 2 files, ${best.sizeBytes} B into ${dir}\n`,
    );
    for (const [rel, text] of Object.entries(CHECKPOINT_FILES))
      expect(await readFile(join(dir, rel), "utf8")).toBe(text);
  });

  it("checkpoint download without DIR writes into ./checkpoints/UUID", async () => {
    const uuid = kept[0]!.uuid;
    const cwd = await mkdtemp(join(tmpdir(), "pushtune-cwd-"));
    const r = await runCli(["checkpoint", "download", uuid], { env: m.env, cwd });
    expect(r.code).toBe(0);
    expect(await readFile(join(cwd, "checkpoints", uuid, "model.bin"), "utf8")).toBe(
      CHECKPOINT_FILES["model.bin"],
    );
  });

  it("an unknown checkpoint exits with 1", async () => {
    const r = await runCli(["checkpoint", "download", "no-such-checkpoint"], { env: m.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pushtune: no checkpoint no-such-checkpoint\n");
  });
});
