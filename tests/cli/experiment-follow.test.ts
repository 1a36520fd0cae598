import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDetail, TrialList } from "../../src/protocol/api/resources.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment, playWithCheckpoints } from "./support/experiments.js";
import { spawnCli } from "./support/run-cli.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster();
});
afterAll(async () => m.close());

// A line ends with an ETA while the experiment is ACTIVE and with its state otherwise
// (e.g. STOPPING_COMPLETED while the last allocations exit).
const LINE =
  /^progress \d+% · \d+ running · \d+\/9 done · best validation_loss (–|[\d.e-]+ \(trial \d+\))( · eta \S+| · [A-Z_]+)?$/;

describe("experiment follow without a terminal", () => {
  it("prints progress lines, then the best trial, its hparams, metric and checkpoint path", async () => {
    const id = await createExperiment(m.tm);
    const follow = spawnCli(["experiment", "follow", String(id), "--interval", "0.2"], {
      env: m.env,
    });
    await follow.waitForOutput(/^progress /m);
    expect(await playWithCheckpoints(m.tm, id, { pauseMs: 30 })).toBe("COMPLETED");
    const r = await follow.result;
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const progress = lines.filter((l) => l.startsWith("progress "));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const l of progress.slice(0, -1)) expect(l).toMatch(LINE);
    expect(progress.at(-1)).toMatch(/^progress 100% · 0 running · 9\/9 done · .* · COMPLETED$/);
    expect(r.stdout).not.toContain("\u001b[");

    const { trials } = (await m.tm.admin.get<TrialList>(`/experiments/${id}/trials`)).body;
    const best = [...trials].sort((a, b) => a.bestValidation! - b.bestValidation!)[0]!;
    const tail = lines.slice(-4);
    expect(tail[0]).toMatch(new RegExp(`^experiment ${id} COMPLETED in \\S+ · 9 trials$`));
    expect(tail[1]).toBe(
      `best trial ${best.id}: validation_loss ${Number(best.bestValidation!.toPrecision(4))}`,
    );
    expect(tail[2]).toMatch(/^ {2}hparams {5}lr=[\d.e-]+ hidden=\d+$/);
    const path = /^ {2}checkpoint {2}(\S+)$/.exec(tail[3]!)?.[1];
    expect(path?.startsWith(join(m.tm.dataDir, "checkpoints"))).toBe(true);
    expect((await stat(path!)).isDirectory()).toBe(true);
  });

  it("without a local checkpoint path, names the uuid and how to download it", async () => {
    const id = await createExperiment(m.tm, { max_trials: 3 });
    // Another data dir: the master's checkpoint folder is not on this "machine".
    const env = { ...m.env, PUSHTUNE_DATA_DIR: join(m.tm.dataDir, "elsewhere") };
    const follow = spawnCli(["experiment", "follow", String(id), "--interval", "0.2"], { env });
    await follow.waitForOutput(/^progress /m);
    await playWithCheckpoints(m.tm, id);
    const r = await follow.result;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}checkpoint {2}(\S+) \(pushtune checkpoint download \1\)\n$/);
  });

  it("Ctrl-C stops following with 130; the experiment keeps running", async () => {
    const id = await createExperiment(m.tm);
    const follow = spawnCli(["experiment", "follow", String(id), "--interval", "0.2"], {
      env: m.env,
    });
    await follow.waitForOutput(/^progress /m);
    follow.child.kill("SIGINT");
    const r = await follow.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(
      `stopped following; experiment ${id} keeps running (pushtune experiment follow ${id})`,
    );
    const e = await m.tm.admin.get<ExperimentDetail>(`/experiments/${id}`);
    expect(e.body.state).toBe("ACTIVE");
  });

  it("experiment create --follow creates, follows, and exits 1 when the experiment is killed", async () => {
    const follow = spawnCli(
      ["experiment", "create", "examples/configs/asha.yaml", "--follow", "--interval", "0.2"],
      { env: m.env },
    );
    await follow.waitForOutput(/^progress /m);
    const id = Number(/^created experiment (\d+)/.exec(follow.stdout())?.[1]);
    expect(id).toBeGreaterThan(0);
    await m.tm.admin.post(`/experiments/${id}/kill`);
    await m.tm.settle();
    const r = await follow.result;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`experiment ${id} CANCELED`);
    expect(r.stdout).toContain("no trial reported validation_loss");
  });
});
