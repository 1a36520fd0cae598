/** `pushtune master --token-ttl-days` takes a lifetime a token can have, or refuses to start. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

describe("master --token-ttl-days", () => {
  for (const days of ["0", "-3", "99999999"]) {
    it(`${days} is refused as a usage error before anything starts`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), "pushtune-ttl-"));
      const r = await runCli([
        "master",
        "--data-dir",
        dataDir,
        "--port",
        "0",
        "--token-ttl-days",
        days,
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--token-ttl-days: must be an integer between 1 and 36500");
    });
  }
});
