/**
 * `pushtune preview` shows what each log hyperparameter samples, beside the
 * exponents its config gives, so bounds written as values rather than
 * exponents are seen before a slot is spent.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logRangeLines } from "../../src/cli/format/log-ranges.js";
import { minimal, parsed } from "../protocol/support/parsed.js";
import { runCli } from "./support/run-cli.js";

const config = (hyperparameters: Record<string, unknown>) =>
  parsed({ ...minimal(), hyperparameters });

describe("a log hyperparameter's values in preview", () => {
  it("are its base to the power of minval and maxval, a nested one's under its dotted name", () => {
    expect(
      logRangeLines(
        config({
          lr: { type: "log", minval: -5, maxval: -1 },
          width: { type: "int", minval: 1, maxval: 4 },
          model: { decay: { type: "log", minval: 0, maxval: 3, base: 2 } },
        }),
      ),
    ).toEqual([
      "lr: 1e-5 to 0.1 on a log scale (10^-5 to 10^-1)",
      "model.decay: 1 to 8 on a log scale (2^0 to 2^3)",
    ]);
  });

  it("show bounds written as values for what they sample", () => {
    expect(logRangeLines(config({ lr: { type: "log", minval: 0.00001, maxval: 0.1 } }))).toEqual([
      "lr: 1 to 1.259 on a log scale (10^0.00001 to 10^0.1)",
    ]);
  });

  it("come first in pushtune preview, the plan's total still last", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pushtune-preview-log-"));
    const path = join(dir, "experiment.yaml");
    await writeFile(
      path,
      [
        "entrypoint: node train.js",
        "hyperparameters:",
        "  lr: {type: log, minval: -3, maxval: 0}",
        "searcher: {name: random, metric: loss, max_length: {batches: 10}, max_trials: 2}",
        "",
      ].join("\n"),
    );
    const r = await runCli(["preview", path]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      "lr: 0.001 to 1 on a log scale (10^-3 to 10^0)",
      "random: 2 trials",
      "  2 trials train to 10 batches",
      "total: 20 batches trained",
      "",
    ]);
  });
});
