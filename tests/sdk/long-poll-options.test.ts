import { expect, test } from "vitest";
import { FakeMaster, init } from "../../src/sdk/index.js";

test.each([
  ["operationWaitSeconds", 3_000_000],
  ["preemptionTimeoutSeconds", -1],
  ["operationWaitSeconds", Number.NaN],
])("init refuses %s: %s with an error naming it", async (name, value) => {
  const fm = new FakeMaster();
  await expect(
    init({ transport: fm, env: fm.env(), handleExitSignals: false, [name]: value }),
  ).rejects.toThrow(new RegExp(`${name} must be a number of seconds from 0 to 600`));
});
