/**
 * `preview`'s lines for the log hyperparameters: the values each samples,
 * beside the exponents its config gives. A log range's minval and maxval are
 * exponents of its base, so bounds written as values (`minval: 0.00001,
 * maxval: 0.1`, as Optuna's `suggest_float(…, log=True)` takes them) sample
 * 1 to 1.259: this line shows it before a slot is spent.
 */
import { columnSpecs } from "../../protocol/analysis/flat-hparams.js";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { formatMetric } from "./values.js";

/** `lr: 0.001 to 1 on a log scale (10^-3 to 10^0)`, one per log hyperparameter, in config order. */
export function logRangeLines(config: ExperimentConfig): string[] {
  const lines: string[] = [];
  for (const [name, spec] of columnSpecs(config.hyperparameters)) {
    if (spec.type !== "log") continue;
    const low = formatMetric(spec.base ** spec.minval);
    const high = formatMetric(spec.base ** spec.maxval);
    lines.push(
      `${name}: ${low} to ${high} on a log scale (${spec.base}^${spec.minval} to ${spec.base}^${spec.maxval})`,
    );
  }
  return lines;
}
