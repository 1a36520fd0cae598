/**
 * `pushtune preview` and `pushtune experiment create` refuse a config nested
 * past 32 levels, with a mapping or list as a key, with an unknown tag or
 * with a key written twice:
 * exit 2, one line naming what and where, and no warning of the YAML package.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REFUSED_YAML } from "../protocol/support/refused-yaml.js";
import { runCli } from "./support/run-cli.js";

describe.concurrent.each(REFUSED_YAML)("a config file with %s", (_name, text, message) => {
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
