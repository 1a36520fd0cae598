/**
 * What a `pushtune` command loads before it does its work. Every command
 * loaded the schema library (TypeBox, some 370 files), the YAML parser and
 * every searcher, and asked the master through the global `fetch` (undici:
 * about 50 ms to load, and the process stayed up some 110 ms after its last
 * answer): `pushtune experiment list` took three times as long as it does
 * now (bench/cli-start.ts). A command loads what it uses: the config parser
 * for the commands that read a config, the searchers for preview.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MasterClient } from "../../src/cli/client.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { REPO, runCli } from "./support/run-cli.js";

let m: CliMaster;
let logs: string;
beforeAll(async () => {
  m = await startCliMaster();
  logs = await mkdtemp(join(tmpdir(), "pushtune-module-log-"));
});
afterAll(async () => {
  await m.close();
  await rm(logs, { recursive: true, force: true });
});

const HOOK = pathToFileURL(join(REPO, "tests/cli/support/module-log.mjs")).href;
let runs = 0;

/** Runs `pushtune args` against the test master; the URLs of the modules it loaded. */
async function loaded(args: string[]): Promise<string[]> {
  const log = join(logs, `run-${++runs}.txt`);
  const r = await runCli(args, {
    env: { ...m.env, NODE_OPTIONS: `--import=${HOOK}`, PUSHTUNE_TEST_MODULE_LOG: log },
  });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return (await readFile(log, "utf8")).split("\n").filter(Boolean);
}

/** What a command that only reads from the master has no use for. */
const HEAVY = [/\/node_modules\/typebox\//, /\/node_modules\/yaml\//, /\/searcher\/index\.[jt]s$/];

const heavyIn = (urls: string[]) => urls.filter((u) => HEAVY.some((h) => h.test(u)));

describe("a pushtune command's start", () => {
  it("--version and the commands that read from the master load no schema library, YAML parser or searcher", async () => {
    const id = await createExperiment(m.tm);
    for (const args of [
      ["--version"],
      ["experiment", "list", "--all"],
      ["experiment", "describe", String(id)],
      ["trial", "list", String(id)],
    ]) {
      const urls = await loaded(args);
      expect(urls.some((u) => u.includes("/cli/program."))).toBe(true);
      expect({ args, heavy: heavyIn(urls) }).toEqual({ args, heavy: [] });
    }
  });

  it("a command that reads a config loads the parser, and preview the searchers, when they run", async () => {
    const urls = await loaded(["preview", join(REPO, "examples/synthetic/asha.yaml")]);
    expect(urls.some((u) => /\/node_modules\/yaml\//.test(u))).toBe(true);
    expect(urls.some((u) => /\/searcher\/index\.[jt]s$/.test(u))).toBe(true);
  });

  it("the client asks the master over node:http, not the global fetch", async () => {
    vi.stubGlobal("fetch", () => Promise.reject(new Error("the global fetch was used")));
    try {
      const client = new MasterClient(m.url, m.tm.adminToken);
      const { experiments } = await client.listExperiments();
      expect(experiments.length).toBeGreaterThanOrEqual(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
