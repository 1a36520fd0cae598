/**
 * What users do to experiments: create, pause, activate, cancel, kill,
 * delete — and how an experiment ends (its trials settled, its checkpoints
 * collected by the keep rule).
 */
import { randomInt } from "node:crypto";
import { isAbsolute } from "node:path";
import { ApiError } from "../../protocol/api/errors.js";
import type { CreateExperimentBody } from "../../protocol/api/resources.js";
import { SEARCHER_RULES } from "../../searcher/index.js";
import {
  checkpointKeepPolicyOf,
  checkpointsToKeep,
  type ExperimentAction,
  endedTrialState,
  movedTrialState,
  nextExperimentState,
} from "../domain/index.js";
import { isTerminal } from "../domain/run-state.js";
import type { ExperimentRow, ExperimentState, Store } from "../storage/store.js";
import { checkpointDir, removeCheckpointFiles, removeStaging } from "./checkpoint-files.js";
import {
  checkpointsUsedBy,
  checkpointUsers,
  whileCheckpointUseIsFixed,
} from "./checkpoint-users.js";
import { configFromBody } from "./config-from-body.js";
import type { MasterContext } from "./context.js";
import { type Effects, experimentKey, opKey } from "./effects.js";
import { checkSourceCheckpoint } from "./experiment-lineage.js";
import { nextTurn } from "./next-turn.js";
import { placeInPool } from "./pool-placement.js";
import { markToStop } from "./stop-requests.js";
import type { Supervisor } from "./supervisor.js";

/**
 * How the trials left of a stopping experiment end; those of a failed search as
 * by a kill: CANCELED, since they did not fail themselves (ERROR is for those that did).
 */
const TRIAL_STOP: Record<string, "close" | "cancel" | "kill"> = {
  STOPPING_COMPLETED: "close",
  STOPPING_CANCELED: "cancel",
  STOPPING_KILLED: "kill",
  STOPPING_ERROR: "kill",
};

/** Rows of a deleted experiment's metrics and logs deleted at a time, about (`deleteTrialOutput`). */
const DELETE_PART = 5000;

/** Stopping states whose trials' processes are stopped at once (see the experiment lifecycle). */
const STOPPED_AT_ONCE = new Set(["STOPPING_KILLED", "STOPPING_ERROR"]);

export { configFromBody } from "./config-from-body.js";

export class ExperimentService {
  constructor(
    private readonly ctx: MasterContext,
    private readonly supervisor: Supervisor,
  ) {}

  async get(id: number): Promise<ExperimentRow> {
    const exp = await this.ctx.store.getExperiment(id);
    if (!exp) throw new ApiError("EXPERIMENT_NOT_FOUND", `no experiment ${id}`);
    return exp;
  }

  /** Stores the experiment and starts its search, in one transaction. */
  async create(body: CreateExperimentBody, ownerId: number): Promise<ExperimentRow> {
    if (!isAbsolute(body.workdir))
      throw new ApiError("BAD_REQUEST", `workdir must be an absolute path, got "${body.workdir}"`);
    // A config without a seed gets a random one, stored with it: the search is still replayable.
    const parsed = configFromBody(body, randomInt(0, 2 ** 31 - 1));
    const { yaml } = parsed;
    const config = placeInPool(parsed.config, this.ctx.pools);
    // Refused here rather than found by every trial failing to start ("spawn sh ENOENT").
    const pool = this.ctx.pools.get(config.resources.resource_pool!);
    const workdirIssue = await pool?.launcher.workdirIssue?.(body.workdir);
    if (workdirIssue) throw new ApiError("BAD_REQUEST", workdirIssue);
    if (body.name) config.name = body.name;
    const store = async () => {
      await checkSourceCheckpoint(this.ctx, config);
      // Stored with its search started, in one transaction: never an experiment with no search.
      return this.ctx.transactNew(
        (tx) =>
          tx.createExperiment({
            name: config.name,
            config,
            configYaml: yaml,
            workdir: body.workdir,
            ownerId,
          }),
        async (tx, e, effects) => {
          // Paused before the search starts, so that its first trials are created PAUSED.
          if (body.activate === false) await this.transition(tx, e, "pause", effects);
          await this.ctx.driver.apply(
            tx,
            e,
            { type: "initialize", rules: SEARCHER_RULES },
            effects,
          );
          return e.id;
        },
      );
    };
    // Its source checkpoint is not deleted between the check and the experiment using it.
    const id =
      config.searcher.source_checkpoint_uuid === undefined
        ? await store()
        : await whileCheckpointUseIsFixed(this.ctx.locks, store);
    return this.get(id);
  }

  private async transition(
    tx: Store,
    exp: ExperimentRow,
    action: ExperimentAction,
    effects: Effects,
    endReason?: string,
  ): Promise<ExperimentState> {
    const next = nextExperimentState(exp.state, action);
    if (!next.ok)
      throw new ApiError(
        "INVALID_TRANSITION",
        `experiment ${exp.id} is ${exp.state}: cannot ${action} it`,
      );
    if (next.state !== exp.state) {
      await tx.updateExperiment(exp.id, {
        state: next.state,
        ...(isTerminal(next.state) ? { endedAt: this.ctx.now() } : {}),
        ...(endReason === undefined ? {} : { endReason }),
      });
      exp.state = next.state;
    }
    effects.notify(experimentKey(exp.id));
    return next.state;
  }

  async pause(id: number): Promise<ExperimentRow> {
    await this.act(id, "pause", "PAUSED");
    return this.get(id);
  }

  async activate(id: number): Promise<ExperimentRow> {
    await this.ctx.transact(id, async (tx, exp, effects) => {
      await this.transition(tx, exp, "activate", effects);
      for (const t of await tx.listTrials({ experimentId: id, states: ["PAUSED"] })) {
        await tx.updateTrial(t.id, { state: movedTrialState(t.state, "activate") });
      }
      effects.schedule = true;
    });
    return this.get(id);
  }

  async cancel(id: number, endReason?: string): Promise<ExperimentRow> {
    await this.act(id, "cancel", null, endReason);
    return this.get(id);
  }

  async kill(id: number, endReason?: string): Promise<ExperimentRow> {
    await this.ctx.transact(id, async (tx, exp, effects) => {
      await this.transition(tx, exp, "kill", effects, endReason);
      effects.finishCheck.add(id);
    });
    for (const a of await this.ctx.store.listLiveAllocations({ experimentId: id }))
      await this.supervisor.kill(a);
    return this.get(id);
  }

  /** Pause and cancel: running trials are told to checkpoint and exit, then killed after the timeout. */
  private async act(
    id: number,
    action: "pause" | "cancel",
    trialState: "PAUSED" | null,
    endReason?: string,
  ): Promise<void> {
    let timeout = 300;
    await this.ctx.transact(id, async (tx, exp, effects) => {
      await this.transition(tx, exp, action, effects, endReason);
      timeout = this.supervisor.preemptionTimeout(exp.config);
      if (trialState) {
        for (const t of await tx.listTrials({ experimentId: id, states: ["ACTIVE"] })) {
          await tx.updateTrial(t.id, { state: movedTrialState(t.state, "pause") });
          effects.notify(opKey(t.id));
        }
      }
      // Its running trials are told in the same transaction: a master that dies before
      // it signals them leaves the request to the next one (`recover`).
      for (const a of await tx.listLiveAllocations({ experimentId: id }))
        if (!a.preemptRequested) await markToStop(tx, a, this.ctx.now(), (k) => effects.notify(k));
      effects.finishCheck.add(id);
    });
    // The grace period's SIGTERM and the timeout's SIGKILL.
    for (const a of await this.ctx.store.listLiveAllocations({ experimentId: id })) {
      await this.supervisor.requestPreemption(a, timeout);
    }
  }

  async delete(id: number): Promise<void> {
    const exp = await this.get(id);
    if (!isTerminal(exp.state)) {
      throw new ApiError(
        "INVALID_TRANSITION",
        `experiment ${id} is ${exp.state}: only an ended experiment can be deleted`,
      );
    }
    const root = checkpointDir(this.ctx, exp.config);
    // Nothing starts to use its checkpoints between the check and their deletion.
    const { allocations } = await whileCheckpointUseIsFixed(this.ctx.locks, async () => {
      const mine = await this.ctx.store.listCheckpoints({ experimentId: id });
      const users = (await checkpointUsers(this.ctx.store, new Set(mine.map((c) => c.uuid)))).map(
        (u) => u.experiment,
      );
      if (users.length > 0) {
        const which = users.map((e) => `${e.id} (${e.state})`).join(", ");
        throw new ApiError(
          "EXPERIMENT_IN_USE",
          `experiment ${id} cannot be deleted: experiment${users.length > 1 ? "s" : ""} ${which} start${users.length > 1 ? "" : "s"} trials from its checkpoints; delete it once ${users.length > 1 ? "they have" : "that one has"} ended`,
        );
      }
      // Marked gone, files removed, rows deleted, in this order: a master that dies in between
      // leaves the ended experiment listed, and deleting it again removes what is left.
      await this.ctx.store.markCheckpointsDeleted(mine.map((c) => c.uuid));
      const all = await this.ctx.store.listCheckpoints({ experimentId: id, includeDeleted: true });
      await removeCheckpointFiles(
        root,
        all.map((c) => c.uuid),
      );
      // Its trials' metric rows and log lines, most of a big experiment's rows, go first in
      // parts, the event loop turning between them: in the one transaction of the rest they
      // held SQLite's one connection, and every other request, for seconds.
      for (let after: number | null = 0; after !== null; await nextTurn())
        after = (await this.ctx.store.deleteTrialOutput(id, DELETE_PART, after)).lastTrial;
      const deleted = await this.ctx.store.deleteExperiment(id);
      // One registered meanwhile (a run that hands its checkpoint in late) goes too.
      await removeCheckpointFiles(
        root,
        deleted.checkpoints.filter((c) => c.state === "ACTIVE").map((c) => c.uuid),
      );
      return deleted;
    });
    // Its processes that outlived their allocations have nothing left to do: stopped at once
    // (a restarted master finds them too, and does the same).
    await this.supervisor.killLingering(id);
    // What launchers keep of its runs (a Slurm job's directory) goes too; a pool no
    // longer configured keeps its files, and a failed removal leaves them behind.
    for (const a of allocations) {
      // What its processes left half-written, or published and never registered, goes too.
      await removeStaging(root, a.id, async () => false);
      // A process still exiting has no trial to write its last lines to.
      this.supervisor.logs.forget(a.id);
      await this.ctx.pools
        .get(a.resourcePool)
        ?.launcher.forget?.(a.launcherHandle)
        .catch(() => {});
    }
    this.ctx.driver.forget(id);
    this.ctx.configs.forget(id);
    this.ctx.rungs.forget(id);
  }

  /**
   * An experiment that is stopping ends once no allocation of it is alive:
   * unfinished trials take the end state, checkpoints are collected, and only
   * then is the experiment marked ended — so an ended experiment never shows
   * checkpoints the keep rule drops. Each step is safe to repeat after a crash.
   */
  async finishIfDone(id: number): Promise<void> {
    const exp = await this.ctx.store.getExperiment(id);
    if (!exp?.state.startsWith("STOPPING")) return;
    // Its processes that outlived their allocations, waiting to exit, are stopped at once too.
    if (STOPPED_AT_ONCE.has(exp.state)) await this.supervisor.killLingering(id);
    const live = await this.ctx.store.listLiveAllocations({ experimentId: id });
    if (live.length > 0) {
      // Killed, or failed (a failed search has no use for its trials): they are stopped at once,
      // also those a master that died before it stopped them left to the next one.
      if (STOPPED_AT_ONCE.has(exp.state)) for (const a of live) await this.supervisor.kill(a);
      return;
    }
    const settled = await this.ctx.transact(id, async (tx, e, effects) => {
      if (!e.state.startsWith("STOPPING")) return false;
      if ((await tx.listLiveAllocations({ experimentId: id })).length > 0) return false;
      const how = TRIAL_STOP[e.state] ?? "cancel";
      for (const t of await tx.listTrials({ experimentId: id, states: ["ACTIVE", "PAUSED"] })) {
        await tx.updateTrial(t.id, {
          state: endedTrialState(t.state, how),
          endedAt: this.ctx.now(),
        });
        effects.notify(opKey(t.id));
      }
      return true;
    });
    if (!settled) return;
    // One step under the lock: a checkpoint registered meanwhile finds the experiment
    // either not yet collected or ended (`collectEnded`).
    await whileCheckpointUseIsFixed(this.ctx.locks, async () => {
      await this.collectCheckpoints(id);
      await this.ctx.transact(id, async (tx, e, effects) => {
        if (e.state.startsWith("STOPPING"))
          await this.transition(tx, e, "allTrialsStopped", effects);
      });
    });
    this.ctx.driver.forget(id);
  }

  /**
   * A checkpoint was registered for experiment `id` once it was stopping (a
   * run its trial had moved past hands it in late): when the experiment has
   * ended meanwhile, its keep rule is applied again, so that the ended
   * experiment shows no checkpoint the rule drops.
   */
  async collectEnded(id: number): Promise<void> {
    await whileCheckpointUseIsFixed(this.ctx.locks, async () => {
      const exp = await this.ctx.store.getExperiment(id);
      if (exp && isTerminal(exp.state)) await this.applyKeepRule(exp, id);
    });
  }

  /**
   * Applies the keep rule to experiment `id`, whose trials have all stopped;
   * then again to each ended experiment whose checkpoints `id` started trials
   * from, which kept them for it. Returns what was deleted of `id`'s own.
   */
  private async collectCheckpoints(id: number): Promise<string[]> {
    const exp = await this.get(id);
    const drop = await this.applyKeepRule(exp, id);
    // Its trials' latest checkpoints are mostly its own: only the others are looked up.
    const own = await this.ctx.store.listCheckpoints({ experimentId: id, includeDeleted: true });
    const ownUuids = new Set(own.map((c) => c.uuid));
    const sources = new Set<number>();
    for (const uuid of await checkpointsUsedBy(this.ctx.store, exp)) {
      if (ownUuids.has(uuid)) continue;
      const c = await this.ctx.store.getCheckpoint(uuid);
      if (c) sources.add(c.experimentId);
    }
    for (const sourceId of sources) {
      const source = await this.ctx.store.getExperiment(sourceId);
      if (source && isTerminal(source.state)) await this.applyKeepRule(source, id);
    }
    return drop;
  }

  /**
   * Keeps the union of experiment-best, trial-best and trial-latest, and what
   * experiments not yet ended other than `ending` start trials from; deletes
   * the rest, files first.
   */
  private async applyKeepRule(exp: ExperimentRow, ending: number): Promise<string[]> {
    const checkpoints = await this.ctx.store.listCheckpoints({ experimentId: exp.id });
    const metricAt = await this.validationMetrics(exp.id, exp.config.searcher.metric);
    const trials = await this.ctx.store.listTrials({ experimentId: exp.id });
    const { policy, smallerIsBetter } = checkpointKeepPolicyOf(exp.config);
    const keep = checkpointsToKeep(
      checkpoints.map((c) => ({
        uuid: c.uuid,
        trialId: c.trialId,
        runId: c.runId,
        stepsCompleted: c.stepsCompleted,
        validationMetric: metricAt.get(`${c.trialId}:${c.stepsCompleted}`) ?? null,
      })),
      policy,
      smallerIsBetter,
      new Map(trials.map((t) => [t.id, t.latestCheckpointUuid])),
    );
    const unkept = new Set(checkpoints.filter((c) => !keep.has(c.uuid)).map((c) => c.uuid));
    for (const { uses } of await checkpointUsers(this.ctx.store, unkept, ending))
      for (const uuid of uses) unkept.delete(uuid);
    const drop = [...unkept];
    await removeCheckpointFiles(checkpointDir(this.ctx, exp.config), drop);
    await this.ctx.store.markCheckpointsDeleted(drop);
    return drop;
  }

  /**
   * `trialId:steps` → the searcher metric validated there (visible rows
   * only), of every trial or of `trialIds`.
   */
  async validationMetrics(
    experimentId: number,
    metric: string,
    trialIds?: readonly number[],
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    let after = 0;
    // Only the metric's value of each row, extracted by the database: no JSON parse per row.
    for (;;) {
      const page = await this.ctx.store.listExperimentValidationValues({
        experimentId,
        metric,
        ...(trialIds ? { trialIds } : {}),
        after,
        limit: 50_000,
      });
      for (const row of page) {
        if (row.value !== null) out.set(`${row.trialId}:${row.stepsCompleted}`, row.value);
      }
      if (page.length < 50_000) return out;
      after = page[page.length - 1]!.id;
    }
  }
}
