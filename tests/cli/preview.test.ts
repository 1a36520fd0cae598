import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJson, runCli } from "./support/run-cli.js";

interface PreviewJson {
  trials: { requestId: number; hparams: Record<string, unknown>; lengths: number[] }[];
  totalLength: number;
}

/** `pushtune preview <config>` succeeds and prints each of `lines`, the last of them last. */
async function expectPlan(config: string, lines: string[]) {
  const r = await runCli(["preview", config]);
  expect(r.code).toBe(0);
  for (const line of lines) expect(r.stdout).toContain(line);
  expect(r.stdout.endsWith(`\n${lines.at(-1)}\n`), "no blank line after the total").toBe(true);
}

describe.concurrent("pushtune preview", () => {
  it("shows the asha example's plan: 12 trials, rungs of 12, 4 and 1, 26,000 batches", async () => {
    await expectPlan("examples/configs/asha.yaml", [
      "async_halving: 12 trials",
      "rung 1: 12 trials train to 1,000 batches",
      "rung 2: 4 trials train to 3,000 batches",
      "rung 3: 1 trial trains to 9,000 batches",
      "total: 26,000 batches trained",
    ]);
  });

  it("--json gives every trial's lengths and the total", async () => {
    const r = await runCli(["preview", "examples/configs/asha.yaml", "--json"]);
    expect(r.code).toBe(0);
    const plan = parseJson<PreviewJson>(r);
    expect(plan.totalLength).toBe(26_000);
    expect(plan.trials).toHaveLength(12);
    expect(plan.trials.map((t) => t.lengths.at(-1)).sort((a, b) => a! - b!)).toEqual([
      ...Array(8).fill(1000),
      ...Array(3).fill(3000),
      9000,
    ]);
    expect(Object.keys(plan.trials[0]!.hparams).sort()).toEqual([
      "dropout",
      "global_batch_size",
      "hidden",
      "lr",
    ]);
  });

  it("shows the tpe example's plan: its trials each to max_length, on the synthetic metric", async () => {
    await expectPlan("examples/configs/tpe.yaml", [
      "tpe: 30 trials",
      "30 trials train to 2,000 batches",
      "total: 60,000 batches trained",
    ]);
  });

  it("shows the pbt example's rounds and the trials that start from a parent's checkpoint", async () => {
    await expectPlan("examples/configs/pbt.yaml", [
      "pbt: 18 trials",
      "round 1: 8 trials train to 500 batches",
      "round 6: 8 trials train to 3,000 batches",
      "10 trials start from a parent's checkpoint",
      "total: 24,000 batches trained",
    ]);
    const plan = parseJson<PreviewJson>(
      await runCli(["preview", "examples/configs/pbt.yaml", "--json"]),
    );
    expect(plan.trials).toHaveLength(18);
    expect(plan.totalLength).toBe(24_000);
  });

  it("a config with a NUL written as a YAML escape exits with 2 and names the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pushtune-preview-"));
    const path = join(dir, "nul.yaml");
    await writeFile(
      path,
      'entrypoint: x\nhyperparameters: {mode: "a\\0b"}\nsearcher: {name: single, metric: loss, max_length: 100}\n',
    );
    const r = await runCli(["preview", path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("hyperparameters.mode: must not contain NUL");
    expect(r.stdout).toBe("");
  });

  it("a bad config exits with 2 and names the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pushtune-preview-"));
    const path = join(dir, "bad.yaml");
    await writeFile(
      path,
      "entrypoint: x\nsearcher: {name: async_halving, metric: loss, max_length: 100, divisor: one}\n",
    );
    const r = await runCli(["preview", path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("searcher.divisor");
    expect(r.stdout).toBe("");
  });

  it("a search past pushtune's limits is refused before it is simulated, naming the fields", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pushtune-preview-"));
    const path = join(dir, "huge.yaml");
    await writeFile(
      path,
      [
        "entrypoint: x",
        "hyperparameters:",
        "  a: {type: int, minval: 0, maxval: 1000000, count: 100000}",
        "  b: {type: double, minval: 0, maxval: 1, count: 100000}",
        "searcher: {name: grid, metric: loss, max_length: 100}",
        "",
      ].join("\n"),
    );
    const r = await runCli(["preview", path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a (100,000) × b (100,000) = 10,000,000,000 points");
    expect(r.stdout).toBe("");
  });
});
