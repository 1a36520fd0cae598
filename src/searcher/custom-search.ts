/**
 * The custom searcher: the decisions come from a user's own search process,
 * which reads the experiment's searcher events and posts operations. The
 * posts are events of the log too (`operationsPosted`), so replaying the log
 * rebuilds this searcher exactly, as for every other method.
 *
 * The method itself decides nothing: it answers every trial event with no
 * operation. What it owns is the check of a post against the trials as the
 * searcher knows them (`checkOperations`), and turning a valid post into
 * searcher operations. A Shutdown closes the trials still open (they finish
 * the operation they have, then end), so the experiment can complete.
 */

import { canonicalJson } from "../protocol/canonical-json.js";
import type {
  ExperimentConfig,
  HParams,
  HParamValue,
  HyperparameterSpec,
} from "../protocol/config/types.js";
import { SearcherEventError } from "./errors.js";
import type {
  MethodContext,
  PostedOperation,
  RequestId,
  SearcherOp,
  SearchMethod,
  Step,
} from "./types.js";

export interface CustomSearchState {
  kind: "custom";
  /** The last event seq a post with operations answered (0: none yet). */
  lastAnswered: number;
}

export const customSearch: SearchMethod<CustomSearchState> = {
  create: () => ({ kind: "custom", lastAnswered: 0 }),
  step: (_ctx, state): Step<CustomSearchState> => ({ state, ops: [] }),
};

/** What the check needs of a trial record (the wrapper's `TrialRecord`). */
export interface KnownTrial {
  status: "open" | "closing" | "closed" | "exited";
  op: number | null;
  trained: number;
}

const show = (v: unknown) => JSON.stringify(v);

/** The end reason of an experiment whose search method posted Shutdown with `failure`. */
const FAILED = "the search method shut the search down as failed";

/** Problems with `value` as a value of `spec`, each naming its path. */
function hparamProblems(
  spec: HyperparameterSpec,
  value: HParamValue | undefined,
  path: string,
  out: string[],
): void {
  if (value === undefined) {
    out.push(`${path}: missing (every hyperparameter of the config needs a value)`);
    return;
  }
  const inRange = (x: unknown, lo: number, hi: number) =>
    typeof x === "number" && Number.isFinite(x) && x >= lo && x <= hi;
  switch (spec.type) {
    case "const":
      if (canonicalJson(value) !== canonicalJson(spec.val))
        out.push(`${path}: must be ${show(spec.val)} (a const), got ${show(value)}`);
      return;
    case "int":
      if (!Number.isInteger(value) || !inRange(value, spec.minval, spec.maxval))
        out.push(
          `${path}: must be an integer in [${spec.minval}, ${spec.maxval}], got ${show(value)}`,
        );
      return;
    case "double":
      if (!inRange(value, spec.minval, spec.maxval))
        out.push(
          `${path}: must be a number in [${spec.minval}, ${spec.maxval}], got ${show(value)}`,
        );
      return;
    case "log": {
      const lo = spec.base ** spec.minval;
      const hi = spec.base ** spec.maxval;
      // base^x is computed in floating point: allow its rounding at the ends.
      if (!inRange(value, lo * (1 - 1e-12), hi * (1 + 1e-12)))
        out.push(
          `${path}: must be a number from ${spec.base}^${spec.minval} to ${spec.base}^${spec.maxval}, got ${show(value)}`,
        );
      return;
    }
    case "categorical":
      if (!spec.vals.some((v) => canonicalJson(v) === canonicalJson(value)))
        out.push(`${path}: must be one of ${show(spec.vals)}, got ${show(value)}`);
      return;
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        out.push(`${path}: must be a mapping, got ${show(value)}`);
        return;
      }
      hparamsProblems(spec.fields, value, path, out);
      return;
  }
}

function hparamsProblems(
  specs: Record<string, HyperparameterSpec>,
  hparams: HParams,
  path: string,
  out: string[],
): void {
  for (const [name, spec] of Object.entries(specs)) {
    const value = Object.hasOwn(hparams, name) ? hparams[name] : undefined;
    hparamProblems(spec, value, `${path}.${name}`, out);
  }
  for (const name of Object.keys(hparams)) {
    if (!Object.hasOwn(specs, name))
      out.push(`${path}.${name}: not a hyperparameter of this experiment`);
  }
}

/** A post as checked: what is wrong with it, and which of its operations have nothing to do. */
export interface CheckedPost {
  /** Empty when the post can apply. */
  problems: string[];
  /**
   * Indexes of the Close and ValidateAfter operations for trials that have
   * already ended, or a Close of a trial already closing: the trial's end is
   * an event the search process reads, and it may come after the event the
   * post answers, so such an operation is skipped, not refused.
   */
  skipped: Set<number>;
}

/**
 * Checks a post against the trials as the searcher knows them
 * (`trials[requestId - 1]`) and the next request id. Operations are checked
 * in order, each against the trials as the ones before it leave them.
 */
export function checkOperations(
  config: ExperimentConfig,
  known: readonly KnownTrial[],
  nextRequestId: RequestId,
  operations: readonly PostedOperation[],
): CheckedPost {
  const problems: string[] = [];
  const skipped = new Set<number>();
  const trials = new Map<RequestId, KnownTrial>();
  const trialOf = (id: RequestId) =>
    trials.get(id) ?? (Number.isInteger(id) ? known[id - 1] : undefined);
  let next = nextRequestId;
  const max = config.searcher.max_length;
  operations.forEach((op, i) => {
    const at = `operations[${i}]`;
    if (op.type === "shutdown") {
      if (i !== operations.length - 1)
        problems.push(`${at}: shutdown must be the last operation of a post`);
      return;
    }
    if (op.type === "create") {
      if (op.requestId !== next)
        problems.push(`${at}.requestId: must be ${next}, the next request id, got ${op.requestId}`);
      hparamsProblems(config.hyperparameters, op.hparams, `${at}.hparams`, problems);
      trials.set(op.requestId, { status: "open", op: null, trained: 0 });
      next = Math.max(next, op.requestId) + 1;
      return;
    }
    const trial = trialOf(op.requestId);
    if (trial === undefined) {
      problems.push(`${at}.requestId: no trial with request id ${op.requestId}`);
      return;
    }
    if (trial.status === "closed" || trial.status === "exited") {
      skipped.add(i);
      return;
    }
    if (trial.status === "closing") {
      if (op.type === "close") skipped.add(i);
      else problems.push(`${at}: trial ${op.requestId} was already asked to close`);
      return;
    }
    if (op.type === "close") {
      trials.set(op.requestId, { ...trial, status: "closing" });
      return;
    }
    if (trial.op !== null) {
      problems.push(
        `${at}: trial ${op.requestId} is still training to ${trial.op}; post its next length once that validation is reported`,
      );
    } else if (op.length > max.value) {
      problems.push(
        `${at}.length: ${op.length} is beyond searcher.max_length (${max.value} ${max.unit})`,
      );
    } else if (op.length <= trial.trained) {
      problems.push(
        `${at}.length: trial ${op.requestId} has already trained to ${trial.trained}; a length is absolute and must be greater`,
      );
    }
    trials.set(op.requestId, { ...trial, op: op.length });
  });
  return { problems, skipped };
}

/**
 * The searcher operations a post calls for, after checking it once more
 * (the master checked it before it logged it; a replayed log passes again).
 */
export function postedOperations(
  ctx: MethodContext,
  state: CustomSearchState,
  known: readonly KnownTrial[],
  nextRequestId: RequestId,
  triggeredBy: number,
  operations: readonly PostedOperation[],
): SearcherOp[] {
  if (!(triggeredBy > state.lastAnswered))
    throw new SearcherEventError(
      `operations for event ${triggeredBy} after operations for event ${state.lastAnswered}`,
    );
  const { problems, skipped } = checkOperations(ctx.config, known, nextRequestId, operations);
  if (problems.length > 0) throw new SearcherEventError(problems.join("; "));
  state.lastAnswered = triggeredBy;
  const ops: SearcherOp[] = [];
  const closed = new Set<RequestId>();
  for (const [i, op] of operations.entries()) {
    if (skipped.has(i)) continue;
    switch (op.type) {
      case "create":
        ops.push(ctx.newTrial(op.hparams));
        break;
      case "validateAfter":
        ops.push(op);
        break;
      case "close":
        closed.add(op.requestId);
        ops.push(op);
        break;
      case "shutdown":
        // A failed search has no use for its trials: the master stops those still open
        // and they end CANCELED, rather than closed here and a waiting one COMPLETED.
        if (op.failure) {
          ops.push({ type: "shutdown", cancel: op.cancel, failure: true, reason: FAILED });
          break;
        }
        known.forEach((t, i) => {
          if (t.status === "open" && !closed.has(i + 1))
            ops.push({ type: "close", requestId: i + 1 });
        });
        for (const o of [...ops]) {
          if (o.type === "create" && !closed.has(o.requestId))
            ops.push({ type: "close", requestId: o.requestId });
        }
        ops.push({ type: "shutdown", cancel: op.cancel, failure: false });
        break;
    }
  }
  return ops;
}
