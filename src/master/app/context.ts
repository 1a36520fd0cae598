/**
 * What every part of the master shares: the store, the resource pools and
 * their launchers, the notifier,
 * the driver, and `transact`, the one way to change an experiment: under its
 * lock, in one transaction, with effects released only after commit.
 */
import { ApiError } from "../../protocol/api/errors.js";
import type { Launcher } from "../launcher/launcher.js";
import type { ResourcePool, ResourcePools } from "../launcher/resource-pools.js";
import { retryDeadlocks } from "../storage/deadlock.js";
import type { ExperimentRow, Store } from "../storage/store.js";
import { Effects } from "./effects.js";
import { ExperimentConfigs } from "./experiment-configs.js";
import { ExperimentDriver } from "./experiment-driver.js";
import { ExperimentRungs } from "./experiment-rungs.js";
import { KeyedLock } from "./keyed-lock.js";
import { Notifier } from "./notifier.js";

/** A user token's lifetime unless the master is told otherwise: 30 days. */
export const DEFAULT_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export interface MasterOptions {
  /** Where checkpoints of experiments without an absolute `host_path` live. */
  checkpointRoot: string;
  /** Seconds between a preemption request and a kill, overriding the config (tests). */
  preemptionTimeoutSeconds?: number;
  /**
   * The first admin token's file (`<data-dir>/admin.token`): revoked and
   * removed when an admin first logs in with a password. Unset: never.
   */
  adminTokenFile?: string;
  /** How long a user token issued at login or user creation lasts; default 30 days. */
  tokenTtlMs?: number;
  /** The clock (tests pass a fake one). */
  now?: () => Date;
}

export interface Hooks {
  /** Runs the scheduler soon (coalesced). */
  schedule(): void;
  /** Runs the scheduler soon if trials wait for slots. */
  scheduleIfContended(): void;
  /** Checks whether these experiments can finish now. */
  finish(experimentIds: Iterable<number>): void;
  /** A checkpoint was registered for a stopping or ended experiment (`collectEnded`). */
  checkpointAfterStop(experimentId: number): void;
  /** An allocation's end is being read: its process asked for its next trial, or `exited`. */
  allocationEnded(allocationId: string, exited: boolean): void;
}

export class MasterContext {
  readonly notifier = new Notifier();
  readonly driver: ExperimentDriver;
  /** Recent experiments' configs, for the push path. */
  readonly configs: ExperimentConfigs;
  /** Recent experiments' rungs, tallied from their event logs, for the web UI's polls. */
  readonly rungs: ExperimentRungs;
  readonly locks = new KeyedLock();
  hooks: Hooks = {
    schedule: () => {},
    scheduleIfContended: () => {},
    finish: () => {},
    checkpointAfterStop: () => {},
    allocationEnded: () => {},
  };
  #masterUrl: string | null = null;

  constructor(
    readonly store: Store,
    readonly pools: ResourcePools,
    readonly options: MasterOptions,
  ) {
    this.driver = new ExperimentDriver(store);
    this.configs = new ExperimentConfigs(store);
    this.rungs = new ExperimentRungs(store);
  }

  /** The pool an experiment runs in: its `resources.resource_pool`, else the default pool. */
  poolNameOf(exp: { resourcePool: string | null }): string {
    return exp.resourcePool ?? this.pools.default.name;
  }

  /**
   * The launcher of an allocation's pool; undefined when this master has no
   * such pool any more (its config changed since the allocation started).
   */
  launcherOf(a: { resourcePool: string }): Launcher | undefined {
    return this.pools.get(a.resourcePool)?.launcher;
  }

  /** The pool by name, if this master has it. */
  pool(name: string): ResourcePool | undefined {
    return this.pools.get(name);
  }

  /**
   * The URL trials use to reach this master. Known only once the API
   * listens; reading it before is a bug, and throws rather than hand a trial
   * an empty address.
   */
  get masterUrl(): string {
    if (this.#masterUrl === null) throw new Error("the master's URL is not known yet");
    return this.#masterUrl;
  }

  /** Sets the URL trials are told; it must be an http(s) URL with a host. */
  setMasterUrl(url: string): void {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.host === "") {
      throw new Error(`the master's URL must be an http(s) URL, got "${url}"`);
    }
    this.#masterUrl = url;
  }

  now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }

  /** When a user token issued now expires. */
  tokenExpiry(): Date {
    return new Date(this.now().getTime() + (this.options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS));
  }

  /**
   * Runs `fn` under the experiment's lock in one transaction. `fn` gets the
   * experiment as it is inside the transaction. Effects are released after
   * commit; on failure the in-memory searcher is dropped and rebuilt on next use.
   */
  async transact<T>(
    experimentId: number,
    fn: (tx: Store, exp: ExperimentRow, effects: Effects) => Promise<T>,
  ): Promise<T> {
    return this.locks.run(experimentId, () =>
      this.committed(async (tx, effects) => {
        // Its row first, before any trial's: the order a validation push takes them in.
        const exp = await tx.getExperiment(experimentId, { lock: true });
        if (!exp) throw new ApiError("EXPERIMENT_NOT_FOUND", `no experiment ${experimentId}`);
        return fn(tx, exp, effects);
      }, experimentId),
    );
  }

  /**
   * `transact` for an experiment `insert` stores in the same transaction: a
   * master that stops before `fn` has committed leaves no experiment behind.
   * Its lock is not taken: no one else knows the experiment before it commits.
   */
  async transactNew<T>(
    insert: (tx: Store) => Promise<ExperimentRow>,
    fn: (tx: Store, exp: ExperimentRow, effects: Effects) => Promise<T>,
  ): Promise<T> {
    return this.committed(async (tx, effects, made) => {
      const exp = await insert(tx);
      made(exp.id);
      return fn(tx, exp, effects);
    });
  }

  /**
   * One transaction of experiment `id` (known at once, or once `body` has
   * made it): effects released after commit; on failure the experiment's
   * in-memory searcher, which `body` may have moved on, is dropped.
   */
  private async committed<T>(
    body: (tx: Store, effects: Effects, made: (id: number) => void) => Promise<T>,
    id: number | null = null,
  ): Promise<T> {
    let effects = new Effects();
    // Aborted by a deadlock (PostgreSQL), it runs again from a searcher rebuilt from the log.
    const result = await retryDeadlocks(async () => {
      effects = new Effects();
      try {
        return await this.store.transaction((tx) =>
          body(tx, effects, (made) => {
            id = made;
          }),
        );
      } catch (err) {
        if (id !== null) this.driver.forget(id);
        throw err;
      }
    });
    this.release(effects);
    return result;
  }

  /** Releases effects collected by a committed transaction. */
  release(effects: Effects): void {
    for (const key of effects.notifyKeys) this.notifier.notify(key);
    if (effects.finishCheck.size > 0) this.hooks.finish(effects.finishCheck);
    if (effects.schedule) this.hooks.schedule();
    else if (effects.scheduleIfContended) this.hooks.scheduleIfContended();
  }
}
