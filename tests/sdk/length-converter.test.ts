import { expect, test } from "vitest";
import { type ConfigOverrides, localExperimentConfig } from "../../src/sdk/index.js";
import { LengthConverter } from "../../src/sdk/lengths.js";

test("progress is in the searcher's unit and capped at the operation's length", () => {
  const config = localExperimentConfig({
    searcher: { max_length: { unit: "records", value: 1050 } },
  } as ConfigOverrides);
  const lengths = new LengthConverter(config, { global_batch_size: 100 });
  expect(lengths.opToBatches(1050)).toBe(11);
  // 11 batches of 100 are 1,100 records, more than the operation's 1,050.
  expect([4, 8, 11].map((b) => lengths.progress(b, 1050))).toEqual([400, 800, 1050]);
});
