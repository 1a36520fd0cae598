import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripAnsi } from "../../src/cli/format/style.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment, playWithCheckpoints } from "./support/experiments.js";
import { fakeIo, runInProcess } from "./support/fake-io.js";

const ESC = String.fromCharCode(27);

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster();
});
afterAll(async () => m.close());

describe("experiment follow on a terminal", () => {
  it("redraws a frame in place with a bar, rungs and running trials, then prints the summary", async () => {
    const id = await createExperiment(m.tm);
    const io = fakeIo({ env: m.env, isTTY: true, columns: 90 });
    const run = runInProcess(["experiment", "follow", String(id), "--interval", "0.05"], {}, io);
    await io.listeningForInterrupt();
    await playWithCheckpoints(m.tm, id, { pauseMs: 20 });
    const r = await run;
    expect(r.code).toBe(0);
    // The cursor hides, frames are redrawn by moving up over the last one, the cursor comes back.
    expect(r.stdout.startsWith("\u001b[?25l")).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`${ESC}\\[\\d+A\r${ESC}\\[J`));
    expect(r.stdout).toContain("\u001b[?25h");
    const text = stripAnsi(r.stdout);
    expect(text).toMatch(/█+░*\s+\d+% · (ETA \S+ · )?best validation_loss/);
    expect(text).toMatch(/rungs {3}100 batches: \d+ · 300 batches: \d+ · 900 batches: \d+/);
    expect(text).toMatch(/TRIAL\s+LENGTH\s+LAST validation_loss\s+HPARAMS/);
    expect(text).toMatch(/rungs {3}100 batches: 9 · 300 batches: 3 · 900 batches: 1\n/);
    expect(text).toMatch(
      /experiment \d+ COMPLETED in \S+ · 9 trials\nbest trial \d+: validation_loss/,
    );
    // Colours on a terminal (COMPLETED in green).
    expect(r.stdout).toContain("\u001b[32mCOMPLETED\u001b[39m");
  });

  it("Ctrl-C leaves the frame, gives the cursor back and exits 130", async () => {
    const id = await createExperiment(m.tm);
    const io = fakeIo({ env: { ...m.env, NO_COLOR: "1" }, isTTY: true, columns: 90 });
    const run = runInProcess(["experiment", "follow", String(id), "--interval", "0.05"], {}, io);
    await io.listeningForInterrupt();
    while (!io.stdout.includes("rungs")) await new Promise((r) => setTimeout(r, 10));
    io.interrupt();
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stdout.endsWith("\u001b[?25h")).toBe(true);
    expect(r.stderr).toContain(`experiment ${id} keeps running`);
    // NO_COLOR: cursor movement only, no colours.
    expect(r.stdout).not.toMatch(new RegExp(`${ESC}\\[\\d+m`));
  });
});
