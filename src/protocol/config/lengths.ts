/**
 * Lengths (`searcher.max_length`, `min_validation_period`, `min_checkpoint_period`).
 *
 * A length is `{batches: N}`, `{records: N}` or `{epochs: N}` — exactly one key,
 * N an integer >= 1 — or a bare integer >= 1, which is unitless (the trial
 * decides what one unit means).
 *
 * Unit rule, checked once every length and the hyperparameters are read:
 *  1. Any length in epochs needs `records_per_epoch`; without it the error is
 *     on that length's path and names `records_per_epoch`.
 *  2. `min_validation_period` and `min_checkpoint_period` may use another unit
 *     than `searcher.max_length` only if it can be converted:
 *       - batches ↔ records needs `global_batch_size` (a const integer hyperparameter);
 *       - records ↔ epochs needs `records_per_epoch` (rule 1 already demands it);
 *       - batches ↔ epochs needs both;
 *       - unitless converts to nothing: unitless lengths go only with unitless lengths.
 * Lengths in records without a `global_batch_size` are allowed when every length
 * uses records: the trial itself then decides how records map to its steps.
 */
import { childPath, describeValue, type ErrorList, isMapping } from "./errors.js";
import { integer, type Rule, rejectUnknownFields } from "./fields.js";
import type { Length } from "./types.js";

export const LENGTH_UNITS = ["batches", "records", "epochs"] as const;

const positive = integer({ min: 1 });

const LENGTH_EXPECTED =
  "a length: {batches: N}, {records: N}, {epochs: N} or a unitless integer N >= 1";

export const lengthRule: Rule<Length> = {
  expected: LENGTH_EXPECTED,
  read(value, path, errors) {
    if (typeof value === "number") {
      if (Number.isSafeInteger(value) && value >= 1) return { unit: "unitless", value };
      errors.add(path, `must be ${LENGTH_EXPECTED}, got ${describeValue(value)}`);
      return undefined;
    }
    if (!isMapping(value)) {
      errors.add(path, `must be ${LENGTH_EXPECTED}, got ${describeValue(value)}`);
      return undefined;
    }
    const before = errors.count;
    rejectUnknownFields(value, path, LENGTH_UNITS, errors);
    const units = LENGTH_UNITS.filter((unit) => Object.hasOwn(value, unit));
    if (units.length === 0) {
      // An unknown key (e.g. `batch`) was already reported with a suggestion.
      if (errors.count === before) {
        errors.add(path, `must have one of batches, records, epochs, got ${describeValue(value)}`);
      }
      return undefined;
    }
    if (units.length > 1) {
      errors.add(
        path,
        `must have exactly one of batches, records, epochs, got ${units.join(" and ")}`,
      );
      return undefined;
    }
    const unit = units[0]!;
    const count = positive.read(value[unit], childPath(path, unit), errors);
    return count === undefined || errors.count !== before ? undefined : { unit, value: count };
  },
};

export interface LengthAt {
  path: string;
  length: Length;
}

/** Applies the unit rule above; `maxLength` is the searcher's, `periods` the min_* periods. */
export function checkLengthUnits(
  maxLength: LengthAt | undefined,
  periods: readonly LengthAt[],
  context: { records_per_epoch: number | null; global_batch_size: number | null },
  errors: ErrorList,
): void {
  const all = maxLength === undefined ? periods : [maxLength, ...periods];
  for (const { path, length } of all) {
    if (length.unit === "epochs" && context.records_per_epoch === null) {
      errors.add(
        path,
        "is in epochs, which needs records_per_epoch (the number of records in one epoch) to be set",
      );
    }
  }
  if (maxLength === undefined) return;
  const target = maxLength.length.unit;
  for (const { path, length } of periods) {
    const unit = length.unit;
    if (unit === target) continue;
    const mismatch = `is in ${unit} but ${maxLength.path} is in ${target}`;
    if (unit === "unitless" || target === "unitless") {
      errors.add(path, `${mismatch}; a unitless length can only be used with unitless lengths`);
      continue;
    }
    const needsBatchSize = unit === "batches" || target === "batches";
    if (needsBatchSize && context.global_batch_size === null) {
      errors.add(
        path,
        `${mismatch}; converting between them needs a global_batch_size hyperparameter (a const integer)`,
      );
    }
  }
}
