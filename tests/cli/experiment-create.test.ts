import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { parseJson, REPO, runCli } from "./support/run-cli.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster();
});
afterAll(async () => m.close());

describe("experiment create", () => {
  it("sends the config file's text and runs trials in the config's folder by default", async () => {
    const r = await runCli(["experiment", "create", "examples/configs/asha.yaml", "--json"], {
      env: m.env,
    });
    expect(r.code).toBe(0);
    const e = parseJson<ExperimentDetail>(r);
    expect(e.name).toBe("asha-example");
    expect(e.state).toBe("ACTIVE");
    expect(e.searcher).toBe("async_halving");
    expect(e.workdir).toBe(join(REPO, "examples/configs"));
    expect(e.configYaml).toBe(await readFile(join(REPO, "examples/configs/asha.yaml"), "utf8"));
    const stored = await m.tm.admin.get<ExperimentDetail>(`/experiments/${e.id}`);
    expect(stored.body.workdir).toBe(e.workdir);
  });

  it("takes a workdir and a name, and says how to follow the experiment", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pushtune-workdir-"));
    const r = await runCli(
      ["experiment", "create", "examples/configs/random.yaml", dir, "--name", "my-search"],
      { env: m.env },
    );
    expect(r.code).toBe(0);
    const id = Number(/created experiment (\d+) \(my-search\)/.exec(r.stdout)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(r.stdout).toContain(`pushtune experiment follow ${id}`);
    const stored = await m.tm.admin.get<ExperimentDetail>(`/experiments/${id}`);
    expect(stored.body.workdir).toBe(dir);
    expect(stored.body.name).toBe("my-search");
  });

  it("a bad config exits with 2, prints every field error on its own line, and creates nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pushtune-badconfig-"));
    const path = join(dir, "bad.yaml");
    await writeFile(
      path,
      [
        "entrypoint: node train.js",
        "searcher:",
        "  name: random",
        "  metric: validation_loss",
        "  max_length: {batches: 100}",
        "  max_trials: ten",
        "resources: {slots_per_trial: -1}",
      ].join("\n"),
    );
    const before = (await m.tm.admin.get<{ experiments: unknown[] }>("/experiments")).body;
    const r = await runCli(["experiment", "create", path], { env: m.env });
    expect(r.code).toBe(2);
    const lines = r.stderr.split("\n");
    expect(lines.some((l) => l.startsWith("searcher.max_trials: "))).toBe(true);
    expect(lines.some((l) => l.startsWith("resources.slots_per_trial: "))).toBe(true);
    expect(r.stderr).toContain(path);
    const after = (await m.tm.admin.get<{ experiments: unknown[] }>("/experiments")).body;
    expect(after.experiments.length).toBe(before.experiments.length);
  });

  it("a config file that does not exist exits with 2", async () => {
    const r = await runCli(["experiment", "create", "no/such/config.yaml"], { env: m.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read config");
    expect(r.stderr).toContain("ENOENT");
  });
});
