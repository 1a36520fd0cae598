/**
 * A fractional length is converted to batches on the decimal it is written
 * as: `{epochs: 1.1}` of 50,000 records at 100 a batch is 550 batches, not
 * the 551 that ceil gives the binary product 550.0000000000001. A length that
 * falls between two batches still rounds up. python/tests/test_fractional_lengths.py
 * pins the same numbers for the Python SDK.
 */
import { expect, test } from "vitest";
import { localExperimentConfig } from "../../src/sdk/index.js";
import { LengthConverter } from "../../src/sdk/lengths.js";

function converter(recordsPerEpoch: number, batchSize: number): LengthConverter {
  const config = {
    ...localExperimentConfig(),
    records_per_epoch: recordsPerEpoch,
    global_batch_size: batchSize,
  };
  return new LengthConverter(config, {});
}

test.each([
  { epochs: 1.1, records: 50_000, batch: 100, batches: 550 },
  { epochs: 2.2, records: 50_000, batch: 10, batches: 11_000 },
  { epochs: 2.18, records: 60_000, batch: 100, batches: 1308 },
  { epochs: 0.5, records: 1000, batch: 32, batches: 16 }, // 15.625: rounded up
  { epochs: 1.1001, records: 50_000, batch: 100, batches: 551 }, // 550.05: rounded up
])(
  "$epochs epochs of $records records at $batch a batch are $batches batches",
  ({ epochs, records, batch, batches }) => {
    const lengths = converter(records, batch);
    expect(lengths.toBatches({ unit: "epochs", value: epochs }, "min_validation_period")).toBe(
      batches,
    );
  },
);

test("a fractional batch size divides records on its decimal too", () => {
  // 2.1 / 0.3 is 7.000000000000001 in binary doubles.
  const lengths = converter(1000, 0.3);
  expect(lengths.toBatches({ unit: "records", value: 2.1 }, "min_checkpoint_period")).toBe(7);
  expect(lengths.toBatches({ unit: "records", value: 2.2 }, "min_checkpoint_period")).toBe(8);
});
