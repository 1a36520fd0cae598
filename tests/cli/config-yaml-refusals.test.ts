/**
 * `pushtune preview` and `pushtune experiment create` refuse a config nested
 * past 32 levels, with a mapping or list as a key, or with an unknown tag:
 * exit 2, one line naming what and where, and no warning of the YAML package.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

const HEAD = "entrypoint: x\nsearcher: {name: random, metric: m, max_length: 5, max_trials: 1}\n";

const CASES: [string, string, string][] = [
  [
    "lists nested 200,000 deep",
    `${HEAD}hyperparameters:\n  a: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`,
    "the config nests mappings and lists deeper than 32 levels at line 4, column 36; at most 32 are allowed",
  ],
  [
    "a list as a key",
    `${HEAD}hyperparameters:\n  ? [a, b]\n  : 1\n`,
    "hyperparameters: a key must be text, a number or a boolean, got a list (line 4, column 5)",
  ],
  [
    "an unknown tag",
    `${HEAD}name: !foo t\n`,
    "unknown tag !foo (line 3, column 7); only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are allowed",
  ],
];

describe.concurrent.each(CASES)("a config file with %s", (_name, text, message) => {
  for (const command of [["preview"], ["experiment", "create"]]) {
    it(`is refused by pushtune ${command.join(" ")}, naming what and where`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "pushtune-config-"));
      const path = join(dir, "config.yaml");
      await writeFile(path, text);
      const r = await runCli([...command, path], {
        env: { PUSHTUNE_MASTER: "http://127.0.0.1:9", PUSHTUNE_TOKEN: "x" },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${path} is not a valid experiment config:\n${message}\n`);
      expect(r.stderr).not.toMatch(/warning/i);
    });
  }
});
