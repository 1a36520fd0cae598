/**
 * The master keeps only an early exit's code (INVALID_HP), so the message of
 * the InvalidHPError a trainer throws is what tells its user which
 * hyperparameters were refused and why: the Trainer writes it to the trial's log.
 */
import { afterEach, expect, test, vi } from "vitest";
import { FakeMaster, InvalidHPError, Trainer } from "../../src/sdk/index.js";
import { fastBackoff } from "./support.js";

class TooWide extends Trainer {
  setup(): void {
    throw new InvalidHPError("hidden 121 is wider than 100");
  }
  trainBatch() {
    return { loss: 1 };
  }
  evaluate() {
    return { validation_loss: 1 };
  }
  save(): void {}
  load(): void {}
}

afterEach(() => {
  vi.restoreAllMocks();
});

test("a trial that refuses its hyperparameters says why in its log", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const written: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const result = await new TooWide().fit({
    init: { transport: fm, env: fm.env(), backoff: fastBackoff, log: () => {} },
  });
  expect(result.outcome).toBe("exitedEarly");
  expect(fm.earlyExits).toEqual(["INVALID_HP"]);
  expect(written.join("")).toContain(
    "exits early, its hyperparameters are invalid: hidden 121 is wider than 100",
  );
});
