import { describe, expect, it } from "vitest";
import {
  bestTrial,
  finalSummary,
  followFrame,
  followLine,
  rungCounts,
} from "../../src/cli/follow/render.js";
import { ANSI_STYLE, stripAnsi } from "../../src/cli/format/style.js";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";
import { ashaConfig, experiment, randomConfig, trial } from "./support/snapshots.js";

// 12 trials of a 3-rung ASHA (1,000 / 3,000 / 9,000 batches): 8 done at rung 1,
// 2 training toward rung 2, one promoted to rung 3, one waiting for a slot.
const trials = [
  ...Array.from({ length: 8 }, (_, i) =>
    trial({
      id: i + 1,
      state: "COMPLETED",
      lengthTrained: 1000,
      currentOpLength: null,
      bestValidation: 0.5 + i / 10,
      latestValidation: 0.5 + i / 10,
      hparams: { lr: 0.001 * (i + 1), layers: 2 },
    }),
  ),
  trial({
    id: 9,
    running: true,
    lengthTrained: 1500,
    currentOpLength: 3000,
    bestValidation: 0.3,
    latestValidation: 0.3,
    hparams: { lr: 0.0123456, layers: 2 },
  }),
  trial({
    id: 10,
    running: true,
    lengthTrained: 2000,
    currentOpLength: 3000,
    bestValidation: 0.2,
    latestValidation: 0.2,
  }),
  trial({
    id: 11,
    running: true,
    lengthTrained: 4000,
    currentOpLength: 9000,
    bestValidation: 0.1234,
    latestValidation: 0.15,
  }),
  trial({ id: 12, lengthTrained: 0, currentOpLength: 1000 }),
];
const snapshot = { experiment: experiment(), trials, config: ashaConfig() };

describe("follow rendering", () => {
  it("a plain line says progress, running and done trials, the best metric and the ETA", () => {
    expect(followLine(snapshot)).toBe(
      "progress 42% · 3 running · 8/12 done · best validation_loss 0.1234 (trial 11) · eta 1m20s",
    );
  });

  it("an ended experiment's line ends with its state instead of an ETA", () => {
    const ended = { ...snapshot, experiment: experiment({ state: "COMPLETED", progress: 1 }) };
    expect(followLine(ended)).toMatch(/^progress 100% · .* · COMPLETED$/);
  });

  it("rung counts say how many trials reached each rung's length", () => {
    expect(rungCounts([1000, 3000, 9000], trials)).toEqual([
      { length: 1000, reached: 11 },
      { length: 3000, reached: 1 },
      { length: 9000, reached: 0 },
    ]);
  });

  it("a terminal frame has a bar with percent and ETA, rungs, and a line per running trial", () => {
    const lines = followFrame(snapshot, { width: 100 });
    expect(lines[0]).toBe(
      "experiment 7 asha-example · ACTIVE · async_halving on validation_loss (smaller is better)",
    );
    expect(lines[1]).toMatch(
      /^█+░+ {2}42% · ETA 1m20s · best validation_loss 0.1234 \(trial 11\)$/,
    );
    expect(lines[2]).toBe("trials  3 running · 1 waiting · 8/12 done");
    expect(lines[3]).toBe("rungs   1,000 batches: 11 · 3,000 batches: 1 · 9,000 batches: 0");
    const table = lines.slice(5);
    expect(table[0]).toMatch(/^\s+TRIAL\s+LENGTH\s+LAST validation_loss\s+HPARAMS$/);
    expect(table[1]).toMatch(/^\s+9\s+1,500\/3,000\s+0.3\s+lr=0.01235$/);
    expect(table[2]).toMatch(/^\s+10\s+2,000\/3,000\s+0.2\s+lr=0.001$/);
    expect(table[3]).toMatch(/^\s+11\s+4,000\/9,000\s+0.15\s+lr=0.001$/);
    expect(table).toHaveLength(4);
  });

  it("the bar is drawn to the progress", () => {
    const bar = followFrame(snapshot, { width: 100 })[1]!.split(" ")[0]!;
    const full = [...bar].filter((c) => c === "█").length;
    expect(full / bar.length).toBeCloseTo(0.42, 1);
  });

  it("every line fits a narrow terminal", () => {
    for (const line of followFrame(snapshot, { width: 50 }))
      expect(line.length).toBeLessThanOrEqual(50);
  });

  it("with many running trials, the rest are counted", () => {
    const many = Array.from({ length: 20 }, (_, i) => trial({ id: 100 + i, running: true }));
    const lines = followFrame({ ...snapshot, trials: many }, { width: 100, maxTrialLines: 5 });
    expect(lines.at(-1)).toBe("  … and 15 more running");
  });

  it("colours are escape codes around text; without them the text is the same", () => {
    const plain = followFrame(snapshot, { width: 100 });
    const coloured = followFrame(snapshot, { width: 100, style: ANSI_STYLE });
    expect(coloured.join("\n")).toContain("\u001b[");
    expect(coloured.map(stripAnsi)).toEqual(plain);
  });

  it("searches without rungs have no rung line", () => {
    const random = randomConfig();
    const lines = followFrame({ ...snapshot, config: random }, { width: 100 });
    expect(lines.some((l) => l.startsWith("rungs"))).toBe(false);
  });

  it("counts a grid's points and a single trial as the trials to do, before they exist", () => {
    const parsed = (searcher: Record<string, unknown>) => {
      const result = parseExperimentConfig({
        entrypoint: "node train.js",
        hyperparameters: {
          lr: { type: "log", minval: -4, maxval: -1, count: 3 },
          width: { type: "categorical", vals: [16, 64] },
        },
        searcher: { metric: "loss", max_length: 100, ...searcher },
      });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      return result.config;
    };
    const started = { ...snapshot, trials: [trial({ id: 1 }), trial({ id: 2 })] };
    expect(followLine({ ...started, config: parsed({ name: "grid" }) })).toContain("0/6 done");
    const none = { ...snapshot, trials: [] };
    expect(followLine({ ...none, config: parsed({ name: "single" }) })).toContain("0/1 done");
    expect(followLine({ ...started, config: randomConfig() })).toContain("0/4 done");
  });

  it("the best trial follows the experiment's direction", () => {
    const a = trial({ id: 1, bestValidation: 0.9 });
    const b = trial({ id: 2, bestValidation: 0.1 });
    const none = trial({ id: 3, bestValidation: null });
    expect(bestTrial([a, b, none], true)?.id).toBe(2);
    expect(bestTrial([a, b, none], false)?.id).toBe(1);
    expect(bestTrial([none], true)).toBeNull();
  });

  it("the summary names the best trial, its hparams, metric, wall time and checkpoint path", () => {
    const ended = {
      ...snapshot,
      experiment: experiment({
        state: "COMPLETED",
        progress: 1,
        endedAt: "2026-01-01T10:03:12.000Z",
      }),
    };
    expect(finalSummary(ended, { uuid: "abc-123", path: "/data/ckpt/abc-123" })).toEqual([
      "experiment 7 COMPLETED in 3m12s · 12 trials",
      "best trial 11: validation_loss 0.1234",
      "  hparams     lr=0.001 layers=2",
      "  checkpoint  /data/ckpt/abc-123",
    ]);
  });

  it("without a local path the summary gives the uuid and the download command", () => {
    const lines = finalSummary(snapshot, { uuid: "abc-123", path: null });
    expect(lines.at(-1)).toBe("  checkpoint  abc-123 (pushtune checkpoint download abc-123)");
    expect(finalSummary(snapshot, null).at(-1)).toBe("  checkpoint  none saved");
  });

  it("when no trial reported the metric, the summary says why the last failed trial failed", () => {
    const reason = (n: number) =>
      `crashed (exit code 1); failed 6 times (max_restarts 5); last log lines:\nTraceback (most recent call last):\nModuleNotFoundError: No module named 'torch${n}'`;
    const failed = [1, 2].map((id) =>
      trial({
        id,
        state: "ERROR",
        restarts: 6,
        endedAt: `2026-01-01T10:0${id}:00.000Z`,
        endReason: reason(id),
      }),
    );
    const ended = {
      ...snapshot,
      experiment: experiment({
        state: "ERROR",
        endedAt: "2026-01-01T10:03:00.000Z",
        endReason: "2 trials failed before any trial reported a validation",
      }),
      trials: [failed[1]!, failed[0]!, trial({ id: 3, state: "CANCELED" })],
    };
    expect(finalSummary(ended, null)).toEqual([
      "experiment 7 ERROR in 3m00s · 3 trials",
      "search failed: 2 trials failed before any trial reported a validation",
      "no trial reported validation_loss",
      "",
      "the last of 2 failed trials",
      "trial   2 (6 restarts)",
      "reason  crashed (exit code 1); failed 6 times (max_restarts 5); last log lines:",
      "        Traceback (most recent call last):",
      "        ModuleNotFoundError: No module named 'torch2'",
      "output  pushtune trial logs 2",
    ]);
    // None failed, some said their hyperparameters were invalid: the last of those, and its logs.
    const invalid = [4, 5].map((id) =>
      trial({
        id,
        state: "COMPLETED",
        endedAt: `2026-01-01T10:0${id}:00.000Z`,
        endReason: "early exit: INVALID_HP",
      }),
    );
    expect(
      finalSummary({ ...ended, trials: [...invalid, ended.trials[2]!] }, null).slice(3),
    ).toEqual([
      "",
      "the last of 2 trials with invalid hyperparameters",
      "trial   5 (0 restarts)",
      "reason  early exit: INVALID_HP",
      "output  pushtune trial logs 5",
    ]);
    // A failed trial is quoted before them; with one failed trial, and with none.
    expect(finalSummary({ ...ended, trials: [...invalid, failed[0]!] }, null)[4]).toBe(
      "failed trial",
    );
    expect(finalSummary({ ...ended, trials: [failed[0]!] }, null)[4]).toBe("failed trial");
    expect(finalSummary({ ...ended, trials: [ended.trials[2]!] }, null)).toEqual([
      "experiment 7 ERROR in 3m00s · 1 trial",
      "search failed: 2 trials failed before any trial reported a validation",
      "no trial reported validation_loss",
    ]);
  });
});
