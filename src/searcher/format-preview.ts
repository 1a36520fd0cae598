/**
 * The human-readable preview: per rung (per bracket for adaptive ASHA) how
 * many trials train to what length, and the total length trained, in the
 * config's unit ("26,000 batches").
 */
import type { ExperimentConfig, LengthUnit } from "../protocol/config/types.js";
import { formatNumber, plural } from "../protocol/counts.js";
import type { PreviewResult } from "./preview.js";

const UNIT_WORDS: Record<LengthUnit, [string, string]> = {
  batches: ["batch", "batches"],
  records: ["record", "records"],
  epochs: ["epoch", "epochs"],
  unitless: ["unit", "units"],
};

/** 26000 batches → "26,000 batches"; 1 epoch → "1 epoch". */
export function formatLength(value: number, unit: LengthUnit): string {
  const [one, many] = UNIT_WORDS[unit];
  return `${formatNumber(value)} ${value === 1 ? one : many}`;
}

export function formatPreview(config: ExperimentConfig, result: PreviewResult): string {
  const unit = config.searcher.max_length.unit;
  const lines: string[] = [];
  const trials = plural(result.trials.length, "trial", "trials");
  const bracketed = result.brackets.length > 1;
  lines.push(
    bracketed
      ? `${config.searcher.name}: ${trials} in ${result.brackets.length} brackets`
      : `${config.searcher.name}: ${trials}`,
  );
  for (const bracket of result.brackets) {
    const indent = bracketed ? "    " : "  ";
    if (bracketed) {
      const rungs = plural(bracket.rungs.length, "rung", "rungs");
      const first = bracket.rungs[0]?.trials ?? 0;
      lines.push(
        `  bracket ${bracket.bracket + 1} (${rungs}, ${plural(first, "trial", "trials")}):`,
      );
    }
    bracket.rungs.forEach((rung, k) => {
      const verb = rung.trials === 1 ? "trains" : "train";
      const stage = config.searcher.name === "pbt" ? "round" : "rung";
      const label = bracket.rungs.length > 1 ? `${stage} ${k + 1}: ` : "";
      lines.push(
        `${indent}${label}${plural(rung.trials, "trial", "trials")} ${verb} to ${formatLength(rung.length, unit)}`,
      );
    });
  }
  const warm = result.trials.filter((t) => t.checkpoint !== undefined).length;
  if (warm > 0) {
    const verb = warm === 1 ? "starts" : "start";
    lines.push(`  ${plural(warm, "trial", "trials")} ${verb} from a parent's checkpoint`);
  }
  lines.push(`total: ${formatLength(result.totalLength, unit)} trained`);
  return `${lines.join("\n")}\n`;
}
