import { describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

describe("pushtune preview of a custom searcher", () => {
  it("says it cannot be previewed and why, and exits 1 without a plan", async () => {
    const r = await runCli(["preview", "examples/custom-searcher/experiment.yaml", "--json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("searcher.name: custom cannot be previewed");
    expect(r.stderr).toContain("decided at run time by your own search process");
  });
});
