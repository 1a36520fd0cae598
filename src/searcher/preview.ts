/**
 * `pushtune preview`: what a search would do, before a slot is spent. The
 * searcher is driven by a simulation (see `simulate.ts`) with a synthetic
 * metric: `constant` (every trial reports the same value, so ties rank in
 * arrival order — the plan Determined's docs describe) or `random` (seeded).
 */
import type { ExperimentConfig, HParams } from "../protocol/config/types.js";
import { ashaBracketOf } from "./asha-search.js";
import { nextFloat, seedRng } from "./rng.js";
import type { SearcherState } from "./searcher.js";
import { simulate } from "./simulate.js";
import type { RequestId, WarmStart } from "./types.js";

export interface PreviewOptions {
  /** Seed for the search and the random metric; defaults to reproducibility.experiment_seed. */
  seed?: number;
  metric?: "constant" | "random";
}

export interface PreviewTrial {
  requestId: RequestId;
  hparams: HParams;
  /** The lengths the trial trains to, in order (absolute, in the config's unit). */
  lengths: number[];
  /** pbt: the trial starts from this trial's checkpoint, at this length. */
  checkpoint?: WarmStart;
}

export interface PreviewRung {
  length: number;
  /** Trials that train to this length. */
  trials: number;
}

export interface PreviewBracket {
  /** 0-based. Searches without brackets have one bracket of one rung. */
  bracket: number;
  rungs: PreviewRung[];
}

export interface PreviewResult {
  trials: PreviewTrial[];
  /** Total length trained by all trials. */
  totalLength: number;
  brackets: PreviewBracket[];
}

/** The `--json` shape of DESIGN §3. */
export interface PreviewJson {
  trials: PreviewTrial[];
  totalLength: number;
}

/**
 * Why the search cannot be simulated, or null when it can. A custom search's
 * operations come from the user's own process at run time, so there is no
 * plan to show before it runs.
 */
export function previewUnavailable(config: ExperimentConfig): string | null {
  if (config.searcher.name !== "custom") return null;
  return (
    "searcher.name: custom cannot be previewed: its trials and lengths are decided at run time " +
    "by your own search process (a SearchRunner), which pushtune cannot simulate. The config is " +
    "valid; to see a plan, preview the search method on its own (for instance by driving it " +
    "with made-up validation results)"
  );
}

function summarise(
  state: SearcherState,
  trials: PreviewTrial[],
  maxLength: number,
): PreviewBracket[] {
  const method = state.method;
  if (method.kind === "pbt") return [{ bracket: 0, rungs: pbtRounds(trials) }];
  // A custom search is never simulated (`previewUnavailable`); pool searches train to the end.
  if (method.kind !== "asha") {
    return [{ bracket: 0, rungs: [{ length: maxLength, trials: trials.length }] }];
  }
  const counts = method.brackets.map((b) => b.params.lengths.map(() => 0));
  for (const trial of trials) {
    const reached = trial.lengths[trial.lengths.length - 1];
    if (reached === undefined) continue;
    const b = ashaBracketOf(method, trial.requestId);
    const lengths = method.brackets[b]!.params.lengths;
    lengths.forEach((length, k) => {
      if (reached >= length) counts[b]![k]!++;
    });
  }
  return method.brackets.map((b, index) => ({
    bracket: index,
    rungs: b.params.lengths.map((length, k) => ({ length, trials: counts[index]![k]! })),
  }));
}

/** pbt: one "rung" per round, the trials that train through it. */
function pbtRounds(trials: PreviewTrial[]): PreviewRung[] {
  const counts = new Map<number, number>();
  for (const trial of trials) {
    for (const length of trial.lengths) counts.set(length, (counts.get(length) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([length, count]) => ({ length, trials: count }));
}

export function previewSearch(
  config: ExperimentConfig,
  options: PreviewOptions = {},
): PreviewResult {
  const unavailable = previewUnavailable(config);
  if (unavailable !== null) throw new Error(unavailable);
  const seed = options.seed ?? config.reproducibility.experiment_seed;
  const seeded: ExperimentConfig =
    seed === config.reproducibility.experiment_seed
      ? config
      : { ...config, reproducibility: { ...config.reproducibility, experiment_seed: seed } };
  const metricRng = seedRng(seed, 1);
  const random = options.metric === "random";
  const { state, trials } = simulate(seeded, {
    report: () => (random ? nextFloat(metricRng) : 0),
  });
  const previewTrials = trials.map(({ requestId, hparams, lengths, checkpoint }) => ({
    requestId,
    hparams,
    lengths,
    ...(checkpoint ? { checkpoint } : {}),
  }));
  // A warm-started trial trains only past the checkpoint it starts from.
  const totalLength = previewTrials.reduce(
    (sum, t) =>
      sum + Math.max(0, (t.lengths[t.lengths.length - 1] ?? 0) - (t.checkpoint?.length ?? 0)),
    0,
  );
  return {
    trials: previewTrials,
    totalLength,
    brackets: summarise(state, previewTrials, config.searcher.max_length.value),
  };
}

/** The preview as `pushtune preview --json` prints it. */
export function previewJson(result: PreviewResult): PreviewJson {
  return { trials: result.trials, totalLength: result.totalLength };
}
