/**
 * Search efficiency on learning curves from real training: each method's
 * compute (epochs trained, all trials together) until one of its trials
 * reports a validation loss at least as good as random search's final best,
 * mean over seeds. The trials replay curves recorded from
 * examples/sklearn-digits (bench/support/learning-curves.ts says how), driven
 * by the searchers' own simulation (src/searcher/simulate.ts): 4 trials at a
 * time, compute counted in the order validations are reported.
 *
 * Aims: adaptive ASHA with four times random's trials needs <= 1/4 of
 * random's compute; ASHA (async_halving) sampling with TPE <= 1/8.
 *
 *   node --import tsx bench/search-efficiency.ts
 *   SEEDS=20 node --import tsx bench/search-efficiency.ts
 */
import { pathToFileURL } from "node:url";
import type { ExperimentConfig, SearcherConfig } from "../src/protocol/config/types.js";
import { simulate } from "../src/searcher/simulate.js";
import { config as baseConfig } from "./searcher-preview.js";
import { type LearningCurves, loadLearningCurves } from "./support/learning-curves.js";

/** Random search's trials; ASHA's have four times as many. */
const TRIALS = 64;
const SLOTS = 4;
const TPE = { n_startup_trials: 10, gamma: 0.1, n_ei_candidates: 24 } as const;

interface Method {
  name: string;
  searcher(maxLength: number): SearcherConfig;
  /** The aim on the ratio to random's compute, if any. */
  aim?: number;
}

const common = (maxLength: number) => ({
  metric: "validation_loss",
  smaller_is_better: true,
  max_length: { unit: "batches" as const, value: maxLength },
  max_concurrent_trials: SLOTS,
});

const halving = (maxLength: number): SearcherConfig => ({
  ...common(maxLength),
  name: "async_halving",
  num_rungs: 4,
  divisor: 4,
  max_trials: 4 * TRIALS,
  stop_once: false,
});

const adaptive = (maxLength: number): SearcherConfig => ({
  ...common(maxLength),
  name: "adaptive_asha",
  mode: "standard",
  divisor: 4,
  max_rungs: 5,
  bracket_rungs: null,
  max_trials: 4 * TRIALS,
  stop_once: false,
});

export const METHODS: Method[] = [
  {
    name: "random",
    searcher: (m) => ({ ...common(m), name: "random", max_trials: TRIALS }),
  },
  { name: "ASHA", searcher: halving },
  { name: "adaptive ASHA", searcher: adaptive, aim: 1 / 4 },
  {
    name: "TPE",
    searcher: (m) => ({ ...common(m), name: "tpe", max_trials: TRIALS, ...TPE }),
  },
  {
    name: "ASHA+TPE",
    searcher: (m) => ({ ...halving(m), sampler: "tpe", ...TPE }),
    aim: 1 / 8,
  },
  {
    name: "adaptive ASHA+TPE",
    searcher: (m) => ({ ...adaptive(m), sampler: "tpe", ...TPE }),
  },
  // Not the aims' settings: rungs at 2, 7, 21 and 64 epochs, the best third promoted.
  { name: "ASHA divisor 3", searcher: (m) => ({ ...halving(m), divisor: 3 }) },
  {
    name: "ASHA+TPE divisor 3",
    searcher: (m) => ({ ...halving(m), divisor: 3, sampler: "tpe", ...TPE }),
  },
];

function ranks(xs: number[]): number[] {
  const out = new Array<number>(xs.length);
  xs.map((x, i) => [x, i] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .forEach(([, i], rank) => {
      out[i] = rank;
    });
  return out;
}

/** Spearman's rank correlation (ties broken by index). */
function spearman(a: number[], b: number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const d2 = ra.reduce((sum, r, i) => sum + (r - rb[i]!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

function experiment(curves: LearningCurves, searcher: SearcherConfig, seed: number) {
  const base = baseConfig(TRIALS, SLOTS);
  const config: ExperimentConfig = {
    ...base,
    hyperparameters: curves.hyperparameters,
    searcher,
    reproducibility: { experiment_seed: seed },
  };
  return config;
}

interface Run {
  /** Epochs trained by all trials. */
  compute: number;
  best: number;
  trials: number;
  /** Epochs trained when a validation first reached `target`; null if none did. */
  reached: number | null;
}

function replay(curves: LearningCurves, config: ExperimentConfig, target: number): Run {
  const trained = new Map<number, number>();
  const run: Run = { compute: 0, best: Number.POSITIVE_INFINITY, trials: 0, reached: null };
  const { trials } = simulate(config, {
    report({ requestId, hparams, length }) {
      run.compute += length - (trained.get(requestId) ?? 0);
      trained.set(requestId, length);
      const loss = curves.validation(hparams, length);
      if (length === curves.epochs) run.best = Math.min(run.best, loss);
      if (run.reached === null && loss <= target) run.reached = run.compute;
      return loss;
    },
  });
  run.trials = trials.length;
  return run;
}

export interface MethodFigures {
  name: string;
  trials: number;
  /** Mean over seeds of the epochs until random's final best is reached (the run's compute where it is not). */
  meanToReach: number;
  /** Seeds on which the method reached random's final best. */
  reached: number;
  meanCompute: number;
  /** meanToReach over random's. */
  ratio: number;
  /** meanToReach over random's whole compute. */
  ratioToTotal: number;
  aim: number | null;
  meetsAim: boolean | null;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function measure(seeds: number[], methods = METHODS): MethodFigures[] {
  const curves = loadLearningCurves();
  const maxLength = curves.epochs;
  const targets = seeds.map((seed) => {
    const random = replay(curves, experiment(curves, METHODS[0]!.searcher(maxLength), seed), 0);
    return random.best;
  });
  const runs = methods.map((method) =>
    seeds.map((seed, i) =>
      replay(curves, experiment(curves, method.searcher(maxLength), seed), targets[i]!),
    ),
  );
  const toReach = (rs: Run[]) => mean(rs.map((r) => r.reached ?? r.compute));
  const randomRuns = runs[methods.findIndex((m) => m.name === "random")]!;
  const randomToReach = toReach(randomRuns);
  const randomCompute = mean(randomRuns.map((r) => r.compute));
  return methods.map((method, k) => {
    const rs = runs[k]!;
    const meanToReach = toReach(rs);
    const ratio = meanToReach / randomToReach;
    const reached = rs.filter((r) => r.reached !== null).length;
    return {
      name: method.name,
      trials: Math.round(mean(rs.map((r) => r.trials))),
      meanToReach,
      reached,
      meanCompute: mean(rs.map((r) => r.compute)),
      ratio,
      ratioToTotal: meanToReach / randomCompute,
      aim: method.aim ?? null,
      meetsAim: method.aim === undefined ? null : reached === rs.length && ratio <= method.aim,
    };
  });
}

function describe(figures: MethodFigures, seeds: number): string {
  const reach = `${Math.round(figures.meanToReach)}${figures.reached < seeds ? "+" : ""}`;
  const aim =
    figures.aim === null
      ? ""
      : ` aim <= 1/${Math.round(1 / figures.aim)}: ${figures.meetsAim ? "met" : "NOT met"}`;
  return (
    `  ${figures.name.padEnd(18)} ${String(figures.trials).padStart(4)} trials, ` +
    `to reach ${reach.padStart(6)} epochs (${figures.reached}/${seeds} seeds), ` +
    `ratio ${figures.ratio.toFixed(3)} (to random's whole compute ${figures.ratioToTotal.toFixed(3)}), ` +
    `compute ${Math.round(figures.meanCompute)}${aim}`
  );
}

export function run(): MethodFigures[] {
  const count = Number(process.env.SEEDS ?? 10);
  const seeds = Array.from({ length: count }, (_, i) => i + 1);
  const curves = loadLearningCurves();
  console.log(
    `search efficiency on ${curves.points} recorded learning curves of ${curves.epochs} epochs ` +
      `(${curves.source}); ${count} seeds, ${SLOTS} trials at a time.\n` +
      "  A trial validated after L epochs reports the recorded validation loss after epoch L of the grid point\n" +
      "  nearest its hyperparameters (lr and alpha by exponent, width by value): trials near one grid point replay\n" +
      "  its one curve, without the noise another trial seed would add. Compute = epochs trained, summed in\n" +
      "  the order validations are reported; 'to reach' = compute until a validation is as good as random search's\n" +
      "  final best for that seed (a '+' marks a mean counting a whole run where it never was); ratio = to reach over\n" +
      "  random's to reach.",
  );
  const final = curves.lossesAt(curves.epochs);
  const early = [1, 2, 4, 16].map((e) => `${e}: ${spearman(curves.lossesAt(e), final).toFixed(2)}`);
  console.log(
    `  How well a short run ranks the grid points by their final loss (Spearman's rho, after epochs ${early.join(", ")}):\n` +
      "  ASHA's lowest rungs (1 and 4 epochs with divisor 4) stop most trials on a weak signal.",
  );
  const figures = measure(seeds);
  for (const f of figures) console.log(describe(f, count));
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
