/**
 * What the CLI reads from an experiment's stored config: its length unit, the
 * ASHA rung lengths, and where its checkpoints live. The API sends the config
 * as an opaque document, so it is checked before it is trusted.
 */
import type { ExperimentConfig, LengthUnit } from "../protocol/config/types.js";
import { adaptiveBracketRungs } from "../searcher/adaptive-brackets.js";
import { rungLengths } from "../searcher/asha-bracket.js";

export function asExperimentConfig(config: unknown): ExperimentConfig | null {
  if (typeof config !== "object" || config === null) return null;
  const c = config as Partial<ExperimentConfig>;
  const s = c.searcher;
  if (typeof s?.name !== "string" || typeof s.max_length?.value !== "number") return null;
  if (typeof c.checkpoint_storage !== "object" || c.checkpoint_storage === null) return null;
  return c as ExperimentConfig;
}

export function lengthUnit(config: ExperimentConfig | null): LengthUnit {
  return config?.searcher.max_length.unit ?? "unitless";
}

/**
 * The lengths at which an ASHA search compares trials, shortest first (the
 * union over adaptive ASHA's brackets); null for searches without rungs.
 */
export function ashaRungLengths(config: ExperimentConfig | null): number[] | null {
  const s = config?.searcher;
  if (!s) return null;
  const maxLength = s.max_length.value;
  if (s.name === "async_halving") return rungLengths(maxLength, s.divisor, s.num_rungs);
  if (s.name === "adaptive_asha") {
    const lengths = new Set<number>();
    for (const numRungs of adaptiveBracketRungs(s, maxLength))
      for (const l of rungLengths(maxLength, s.divisor, numRungs)) lengths.add(l);
    return [...lengths].sort((a, b) => a - b);
  }
  return null;
}

/** The config's `checkpoint_storage.host_path`, when the master was given an absolute one. */
export function absoluteCheckpointDir(config: ExperimentConfig | null): string | null {
  const p = config?.checkpoint_storage.host_path;
  return p?.startsWith("/") ? p : null;
}
