/**
 * The experiment driver: the one place that feeds events to an experiment's
 * searcher and applies the operations it answers with. Every event is
 * appended to the experiment's event log in the same transaction as the
 * change it reports, so replaying the log rebuilds the searcher exactly.
 */
import {
  advanceSearcher,
  promotionRanks,
  replaySearcher,
  restoreSearcher,
  type SearcherState,
  searcherProgress,
  snapshotSearcher,
} from "../../searcher/index.js";
import {
  assertNever,
  type RequestId,
  type SearcherEvent,
  type SearcherOp,
  type WarmStart,
} from "../../searcher/types.js";
import { endedTrialState, movedTrialState } from "../domain/index.js";
import type { ExperimentRow, Store } from "../storage/store.js";
import { type Effects, experimentKey, opKey } from "./effects.js";
import { nextTurn } from "./next-turn.js";

/** Write a snapshot every this many events, so a restart replays a short tail. */
const SNAPSHOT_EVERY = 200;

/**
 * Longest stretch of applying operations before the event loop gets a turn.
 * A search that creates every trial at once (`max_concurrent_trials: 0`)
 * applies hundreds of thousands of operations in one transaction; SQLite's
 * queries run synchronously, so without these turns no other request would be
 * answered until the transaction commits.
 */
const MAX_STRETCH_MS = 20;

/**
 * Where a warm-started trial starts: its parent's latest checkpoint now. The
 * Trainer checkpoints at the end of every pbt round before reporting it, so
 * that is the checkpoint the round was judged at; a parent that never
 * checkpointed leaves the trial to start from scratch (it then trains the
 * whole length). Stored with the trial, so a replay never resolves it again.
 */
async function warmStartOf(
  tx: Store,
  exp: ExperimentRow,
  from: WarmStart,
): Promise<{ parentTrialId: number; checkpointUuid: string | null }> {
  const parent = await tx.getTrialByRequestId(exp.id, from.requestId);
  if (!parent) {
    throw new Error(`searcher copied trial ${from.requestId}, but it does not exist`);
  }
  return { parentTrialId: parent.id, checkpointUuid: parent.latestCheckpointUuid };
}

/**
 * `searcher.source_checkpoint_uuid`: every trial starts from that checkpoint
 * (of any experiment, checked when the experiment was created, and kept while
 * the experiment uses it) until it stores one of its own; its trial is the
 * parent. A source no longer stored is a `SearchFailure`: the trial is not
 * started from scratch in its place.
 */
async function sourceWarmStart(
  tx: Store,
  exp: ExperimentRow,
): Promise<{ warmStart?: { parentTrialId: number; checkpointUuid: string } }> {
  const uuid = exp.config.searcher.source_checkpoint_uuid;
  if (uuid === undefined) return {};
  const ckpt = await tx.getCheckpoint(uuid);
  if (ckpt?.state !== "ACTIVE")
    throw new SearchFailure(
      `searcher.source_checkpoint_uuid: checkpoint ${uuid} is ${ckpt ? ckpt.state : "gone"}: a new trial cannot start from it`,
    );
  return { warmStart: { parentTrialId: ckpt.trialId, checkpointUuid: ckpt.uuid } };
}

/** An operation that cannot be carried out: the search ends with an error, for this reason. */
class SearchFailure extends Error {}

interface Loaded {
  state: SearcherState;
  seq: number;
  lastSnapshotSeq: number;
}

export class ExperimentDriver {
  private readonly cache = new Map<number, Loaded>();

  constructor(private readonly store: Store) {}

  /** Rebuilds the searcher from the latest snapshot plus the events after it. */
  private async load(tx: Store, exp: ExperimentRow): Promise<Loaded> {
    const cached = this.cache.get(exp.id);
    if (cached) return cached;
    const snapshot = await tx.getSearcherSnapshot(exp.id);
    const rows = await tx.listSearcherEvents(exp.id, snapshot?.seq ?? 0);
    let state: SearcherState;
    if (snapshot) {
      state = restoreSearcher(snapshot.snapshot);
      for (const row of rows) advanceSearcher(exp.config, state, row.event);
    } else {
      state = replaySearcher(
        exp.config,
        rows.map((row) => row.event),
      );
    }
    const seq = rows.at(-1)?.seq ?? snapshot?.seq ?? 0;
    const loaded = {
      state,
      seq,
      lastSnapshotSeq: snapshot?.seq ?? 0,
    };
    this.cache.set(exp.id, loaded);
    return loaded;
  }

  /** Drops the in-memory searcher (after a rolled-back transaction, or when the experiment ends). */
  forget(experimentId: number): void {
    this.cache.delete(experimentId);
  }

  /**
   * The searcher as it stands inside `tx`, to read only (the caller holds the
   * experiment's lock): `apply` is the one way to change it.
   */
  async searcher(tx: Store, exp: ExperimentRow): Promise<Readonly<SearcherState>> {
    return (await this.load(tx, exp)).state;
  }

  /** The searcher's progress figure for the experiment, in [0, 1]. */
  async progress(exp: ExperimentRow): Promise<number> {
    const loaded = await this.load(this.store, exp);
    return searcherProgress(loaded.state);
  }

  /**
   * Where these trials of the experiment stand in line for a promotion
   * (`promotionRanks`), from the searcher in memory; none when it is not
   * loaded. Changes nothing: in particular it never loads the searcher, which
   * outside the experiment's lock could race a transaction that does.
   */
  promotionRanks(experimentId: number, requestIds: readonly RequestId[]): Map<RequestId, number> {
    const loaded = this.cache.get(experimentId);
    return loaded ? promotionRanks(loaded.state, requestIds) : new Map();
  }

  /**
   * Feeds progress to the searcher without logging it: progress only moves the
   * experiment's progress figure, which is stored as a monotone maximum.
   */
  async progressOnly(
    exp: ExperimentRow,
    event: SearcherEvent & { type: "trialProgress" },
  ): Promise<number> {
    const loaded = await this.load(this.store, exp);
    advanceSearcher(exp.config, loaded.state, event);
    return searcherProgress(loaded.state);
  }

  /**
   * Applies `event` and every event its operations cause (trialCreated after a
   * create, trialClosed after a close of an idle trial), in order, inside `tx`.
   * The caller holds the experiment's lock and owns the transaction. An
   * experiment on its way out (STOPPING_*, or ended) still logs what its
   * trials report as they stop, but its searcher's operations are not carried
   * out, as Determined's are not: no trial is created for a canceled search.
   */
  async apply(
    tx: Store,
    exp: ExperimentRow,
    event: SearcherEvent,
    effects: Effects,
  ): Promise<void> {
    const searching = exp.state === "ACTIVE" || exp.state === "PAUSED";
    const loaded = await this.load(tx, exp);
    const state: SearcherState = loaded.state;
    let seq = loaded.seq;
    const queue: SearcherEvent[] = [event];
    let shutdown: (SearcherOp & { type: "shutdown" }) | null = null;
    let failure: string | null = null;
    let stretchStart = performance.now();
    while (queue.length > 0) {
      const ev = queue.shift()!;
      seq = await tx.appendSearcherEvent(exp.id, ev);
      // In place: a transaction that fails drops this state (`forget`) and rebuilds it from the log.
      for (const op of advanceSearcher(exp.config, state, ev)) {
        if (!searching || failure !== null) continue;
        if (performance.now() - stretchStart > MAX_STRETCH_MS) {
          await nextTurn();
          stretchStart = performance.now();
        }
        try {
          const follow = await this.interpret(tx, exp, op, effects);
          if (follow) queue.push(follow);
        } catch (err) {
          if (!(err instanceof SearchFailure)) throw err;
          failure = err.message;
        }
        if (op.type === "shutdown") shutdown = op;
      }
    }
    const progress = searcherProgress(state);
    const patch: Parameters<Store["updateExperiment"]>[1] = {};
    if (progress > exp.progress) patch.progress = progress;
    const wantSnapshot = seq - loaded.lastSnapshotSeq >= SNAPSHOT_EVERY;
    if (wantSnapshot) await tx.putSearcherSnapshot(exp.id, seq, snapshotSearcher(state));
    if (failure !== null && searching)
      shutdown = { type: "shutdown", cancel: false, failure: true, reason: failure };
    if (shutdown && searching) {
      patch.state = shutdown.failure
        ? "STOPPING_ERROR"
        : shutdown.cancel
          ? "STOPPING_CANCELED"
          : "STOPPING_COMPLETED";
      if (shutdown.failure) patch.endReason = shutdown.reason ?? null;
      effects.finishCheck.add(exp.id);
    }
    if (Object.keys(patch).length > 0) await tx.updateExperiment(exp.id, patch);
    effects.notify(experimentKey(exp.id));
    // Later steps in the same transaction build on this state; a rollback drops it (`forget`).
    loaded.state = state;
    loaded.seq = seq;
    if (wantSnapshot) loaded.lastSnapshotSeq = seq;
  }

  /** Applies one operation to the stored world; returns the event it causes, if any. */
  private async interpret(
    tx: Store,
    exp: ExperimentRow,
    op: SearcherOp,
    effects: Effects,
  ): Promise<SearcherEvent | null> {
    switch (op.type) {
      case "create": {
        const trial = await tx.createTrial({
          experimentId: exp.id,
          requestId: op.requestId,
          hparams: op.hparams,
          trialSeed: op.trialSeed,
          ...(op.checkpoint
            ? { warmStart: await warmStartOf(tx, exp, op.checkpoint) }
            : await sourceWarmStart(tx, exp)),
        });
        // A trial of a paused experiment is paused too; activate moves it on with the rest.
        if (exp.state === "PAUSED")
          await tx.updateTrial(trial.id, { state: movedTrialState(trial.state, "pause") });
        effects.schedule = true;
        return { type: "trialCreated", requestId: op.requestId };
      }
      case "validateAfter": {
        const trial = await tx.getTrialByRequestId(exp.id, op.requestId);
        if (!trial)
          throw new Error(`searcher asked trial ${op.requestId} to train, but it does not exist`);
        await tx.addTrialOp(trial.id, op.length);
        effects.notify(opKey(trial.id));
        // A running trial picks the op up itself; a parked one needs a slot.
        if ((await tx.listLiveAllocations({ trialId: trial.id })).length === 0)
          effects.schedule = true;
        return null;
      }
      case "close": {
        const trial = await tx.getTrialByRequestId(exp.id, op.requestId);
        if (!trial) throw new Error(`searcher closed trial ${op.requestId}, but it does not exist`);
        await tx.updateTrial(trial.id, { closeRequested: true });
        effects.notify(opKey(trial.id));
        // A trial with nothing left to do and no process running is finished right here.
        const next = await tx.getNextTrialOp(trial.id);
        const live = await tx.listLiveAllocations({ trialId: trial.id });
        if (!next && live.length === 0 && (trial.state === "ACTIVE" || trial.state === "PAUSED")) {
          await tx.updateTrial(trial.id, {
            state: endedTrialState(trial.state, "close"),
            endedAt: new Date(),
          });
          effects.finishCheck.add(exp.id);
          return { type: "trialClosed", requestId: op.requestId };
        }
        return null;
      }
      case "shutdown":
        return null;
      default:
        return assertNever(op);
    }
  }
}
