import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colorsWanted } from "../../src/cli/format/style.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { createExperiment } from "./support/experiments.js";
import { runInProcess } from "./support/fake-io.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster();
  await createExperiment(m.tm);
});
afterAll(async () => m.close());

describe("colours", () => {
  it("are used only on a terminal, and never when NO_COLOR is set", () => {
    expect(colorsWanted({ isTTY: true, env: {} })).toBe(true);
    expect(colorsWanted({ isTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
    expect(colorsWanted({ isTTY: true, env: { NO_COLOR: "" } })).toBe(true);
    expect(colorsWanted({ isTTY: false, env: {} })).toBe(false);
  });

  it("experiment list on a terminal colours the state", async () => {
    const r = await runInProcess(["experiment", "list"], { env: m.env, isTTY: true, columns: 120 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\u001b[36mACTIVE\u001b[39m");
  });

  it("experiment list on a terminal with NO_COLOR has no escape codes", async () => {
    const r = await runInProcess(["experiment", "list"], {
      env: { ...m.env, NO_COLOR: "1" },
      isTTY: true,
      columns: 120,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ACTIVE");
    expect(r.stdout).not.toContain("\u001b[");
  });
});
