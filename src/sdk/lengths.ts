/**
 * Lengths in the Trainer's one currency, batches. Searcher operations come in
 * the unit of `searcher.max_length`; periods have their own units. Records and
 * epochs need `global_batch_size` (config, else the `global_batch_size`
 * hyperparameter) and epochs also `records_per_epoch`. Conversions round up,
 * so a trial never trains less than it was asked to.
 *
 * They compute on the decimals the numbers are written as, exactly: `{epochs:
 * 1.1}` of 50,000 records at 100 a batch is 550 batches, where the binary
 * doubles would give 550.0000000000001 and so 551 (as `lengths.py` does).
 */
import type { ExperimentConfig, HParams, Length, LengthUnit } from "../protocol/config/types.js";

export class LengthConverter {
  private readonly opUnit: LengthUnit;

  constructor(
    private readonly config: ExperimentConfig,
    private readonly hparams: HParams,
  ) {
    this.opUnit = config.searcher.max_length.unit;
  }

  toBatches(length: Length, field: string): number {
    switch (length.unit) {
      case "batches":
      case "unitless":
        return Math.ceil(length.value);
      case "records":
        return ceilRatio([length.value], this.batchSize(field));
      case "epochs":
        return ceilRatio([length.value, this.recordsPerEpoch(field)], this.batchSize(field));
    }
  }

  /** An operation's absolute length (in the searcher's unit), in batches. */
  opToBatches(opLength: number): number {
    return this.toBatches({ unit: this.opUnit, value: opLength }, "searcher.max_length");
  }

  /** How far `batches` is, in the searcher's unit, capped at the operation's length. */
  progress(batches: number, opLength: number): number {
    const field = "searcher.max_length";
    let value: number;
    switch (this.opUnit) {
      case "batches":
      case "unitless":
        value = batches;
        break;
      case "records":
        value = batches * this.batchSize(field);
        break;
      case "epochs":
        value = (batches * this.batchSize(field)) / this.recordsPerEpoch(field);
        break;
    }
    return Math.min(value, opLength);
  }

  private batchSize(field: string): number {
    const fromHParams = this.hparams.global_batch_size;
    const size =
      this.config.global_batch_size ?? (typeof fromHParams === "number" ? fromHParams : null);
    if (size === null || !(size > 0)) {
      throw new Error(
        `${field} is in records or epochs: set global_batch_size in the experiment config or as a hyperparameter`,
      );
    }
    return size;
  }

  private recordsPerEpoch(field: string): number {
    const records = this.config.records_per_epoch;
    if (records === null || !(records > 0)) {
      throw new Error(`${field} is in epochs: set records_per_epoch in the experiment config`);
    }
    return records;
  }
}

/**
 * ⌈(product of `factors`) / `divisor`⌉, each number taken as the decimal it
 * prints as (1.1 is 11/10, not the double nearest it): exact, so a whole
 * result is never rounded up one too far.
 */
function ceilRatio(factors: number[], divisor: number): number {
  let num = 1n;
  let den = 1n;
  for (const factor of factors) {
    const f = decimalFraction(factor);
    num *= f.num;
    den *= f.den;
  }
  const d = decimalFraction(divisor);
  num *= d.den;
  den *= d.num;
  const quotient = num / den; // the divisor is positive: truncated toward zero
  return Number(num % den > 0n ? quotient + 1n : quotient);
}

/** A finite number as the fraction `num / den` (den > 0) of the decimal it prints as. */
function decimalFraction(value: number): { num: bigint; den: bigint } {
  const match = /^(-?\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (match === null) throw new RangeError(`a length must be a finite number, got ${value}`);
  const [, whole = "0", decimals = "", exponent = "0"] = match;
  const shift = Number(exponent) - decimals.length;
  const num = BigInt(whole + decimals);
  return shift >= 0
    ? { num: num * 10n ** BigInt(shift), den: 1n }
    : { num, den: 10n ** BigInt(-shift) };
}
