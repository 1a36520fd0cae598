/**
 * Lengths in the Trainer's one currency, batches. Searcher operations come in
 * the unit of `searcher.max_length`; periods have their own units. Records and
 * epochs need `global_batch_size` (config, else the `global_batch_size`
 * hyperparameter) and epochs also `records_per_epoch`. Conversions round up,
 * so a trial never trains less than it was asked to.
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
        return Math.ceil(length.value / this.batchSize(field));
      case "epochs":
        return Math.ceil((length.value * this.recordsPerEpoch(field)) / this.batchSize(field));
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
