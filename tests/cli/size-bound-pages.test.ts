/**
 * The CLI reads on past a page the master cut short to stay within its size
 * bound (PAGE_BYTES): `trial logs` prints every line, `trial compare` finds a
 * best validation that lies beyond the first page, and `trial list`,
 * `experiment describe` and `experiment follow` see every trial of an
 * experiment whose trials carry a long constant, `experiment list` every
 * experiment of a list whose pages long names cut short, and `checkpoint
 * list` every checkpoint of pages long metadata cut short.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_BYTES } from "../../src/protocol/api/resources.js";
import { ashaConfig } from "../master/support/configs.js";
import { seedExperiment } from "../web/support/seed-experiment.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
let trialId: number;
beforeAll(async () => {
  m = await startCliMaster({ slots: 1 });
  const id = await createExperiment(m.tm);
  const trial = (await m.tm.store.listTrials({ experimentId: id }))[0]!;
  trialId = trial.id;
});
afterAll(async () => m.close());

describe("pages cut short by size", () => {
  it("trial logs prints every line of a log whose pages are cut short", async () => {
    const LINE = 60_000;
    const lines = Math.ceil((2.5 * PAGE_BYTES) / LINE);
    await m.tm.store.addLogs(
      Array.from({ length: lines }, (_, i) => ({
        trialId,
        allocationId: null,
        time: new Date(),
        stream: "stdout" as const,
        line: `line ${i} `.padEnd(LINE, "x"),
      })),
    );
    const r = await runCli(["trial", "logs", String(trialId)], { env: m.env });
    expect(r.code).toBe(0);
    const printed = r.stdout.split("\n").filter((l) => l.includes("line "));
    expect(printed.map((l) => Number(/line (\d+) /.exec(l)![1]))).toEqual(
      Array.from({ length: lines }, (_, i) => i),
    );
  });

  it("trial compare finds the best validation on a page after one cut short", async () => {
    const names = Array.from({ length: 199 }, (_, i) => `${i}_`.padEnd(200, "g"));
    const rows = Math.ceil((2.5 * PAGE_BYTES) / 45_000);
    const trial = (await m.tm.store.getTrial(trialId))!;
    await m.tm.store.addMetrics(
      trialId,
      trial.runId,
      Array.from({ length: rows }, (_, i) => ({
        group: "validation" as const,
        stepsCompleted: i + 1,
        // The last row is the best: it lies past the first pages.
        metrics: { validation_loss: 1 / (i + 1), ...Object.fromEntries(names.map((n) => [n, i])) },
        reportTime: new Date(),
      })),
    );
    const r = await runCli(["trial", "compare", String(trialId), String(trialId), "--json"], {
      env: m.env,
    });
    expect(r.code).toBe(0);
    const out = parseJson<{ trials: { atBest: Record<string, number> }[] }>(r);
    expect(out.trials[0]!.atBest.validation_loss).toBe(1 / rows);
    expect(out.trials[0]!.atBest[names[0]!]).toBe(rows - 1);
  });

  describe("an experiment whose list of trials is cut short", () => {
    const trials = 12;
    let id: string;
    let stored: number[];
    let best: number;
    beforeAll(async () => {
      // Some 220 KB in every trial: about nine trials fill a page.
      const constant = Array.from({ length: 20_000 }, (_, i) => `v${String(i).padStart(7, "0")}`);
      const owner = (await m.tm.store.getUserByName("admin"))!;
      const seeded = await seedExperiment(m.tm.store, {
        trials,
        points: 2,
        ownerId: owner.id,
        constant,
      });
      id = String(seeded.experimentId);
      stored = (await m.tm.store.listTrials({ experimentId: seeded.experimentId })).map(
        (t) => t.id,
      );
      // The best trial is the last one, past the first page.
      best = stored[trials - 1]!;
      await m.tm.store.updateTrial(best, { bestValidation: 0.01 });
    });

    it("trial list lists every trial", async () => {
      const list = await runCli(["trial", "list", id, "--json", "--sort", "id"], { env: m.env });
      expect(list.code).toBe(0);
      const listed = parseJson<{ trials: { id: number }[] }>(list).trials;
      expect(listed.map((t) => t.id)).toEqual(stored);
    });

    it("experiment describe finds the best trial on a later page", async () => {
      const describe = await runCli(["experiment", "describe", id, "--json"], { env: m.env });
      expect(describe.code).toBe(0);
      expect(parseJson<{ bestTrial: { id: number } }>(describe).bestTrial.id).toBe(best);
    });

    it("experiment follow counts every trial and finds the best", async () => {
      const follow = await runCli(["experiment", "follow", id], { env: m.env });
      expect(follow.code).toBe(0);
      expect(follow.stdout).toContain(`· ${trials} trials`);
      expect(follow.stdout).toContain(`best trial ${best}:`);
    });
  });

  it("experiment list lists every experiment of a list whose pages are cut short", async () => {
    // Names of 700 KB: two fill a page.
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await m.tm.admin.post<{ id: number }>("/experiments", {
        config: ashaConfig({ name: `${i}${"n".repeat(700_000)}` }),
        workdir: m.tm.dataDir,
        activate: false,
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const list = await runCli(["experiment", "list", "--all", "--json"], { env: m.env });
    expect(list.code).toBe(0);
    const listed = parseJson<{ experiments: { id: number }[] }>(list).experiments.map((e) => e.id);
    expect(listed.filter((id) => ids.includes(id))).toEqual(ids);
  });

  it("checkpoint list lists every checkpoint of an experiment and of a trial whose pages are cut short", async () => {
    // Metadata of 0.4 PAGE_BYTES: two fill a page.
    const uuids: string[] = [];
    const trial = (await m.tm.store.getTrial(trialId))!;
    for (let i = 0; i < 5; i++) {
      const c = await m.tm.store.addCheckpoint({
        uuid: randomUUID(),
        trialId,
        experimentId: trial.experimentId,
        runId: trial.runId,
        stepsCompleted: 1000 + i,
        resources: { "model.bin": 10 },
        metadata: { note: `${i}`.padEnd(0.4 * PAGE_BYTES, "c") },
      });
      uuids.push(c.uuid);
    }
    for (const args of [[String(trial.experimentId)], ["--trial", String(trialId)]]) {
      const list = await runCli(["checkpoint", "list", ...args, "--json"], { env: m.env });
      expect(list.code).toBe(0);
      const listed = parseJson<{ checkpoints: { uuid: string }[] }>(list).checkpoints;
      // Listed newest first.
      expect(listed.map((c) => c.uuid).filter((u) => uuids.includes(u))).toEqual(
        [...uuids].reverse(),
      );
    }
  });
});
