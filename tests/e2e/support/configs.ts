/** The examples' configs as objects, with the changes a test needs. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SYNTHETIC_DIR } from "./build.js";

export type ConfigInput = Record<string, unknown> & { searcher: Record<string, unknown> };

/** A YAML config of examples/synthetic, e.g. "adaptive.yaml". */
export function syntheticConfig(file: string): ConfigInput {
  return parse(readFileSync(join(SYNTHETIC_DIR, file), "utf8")) as ConfigInput;
}

/** `base` with top-level fields replaced and `searcher` fields merged. */
export function withChanges(
  base: ConfigInput,
  changes: Record<string, unknown> & { searcher?: Record<string, unknown> },
): ConfigInput {
  const { searcher, ...rest } = changes;
  return { ...base, ...rest, searcher: { ...base.searcher, ...searcher } };
}

export const batches = (n: number) => ({ batches: n });
