/**
 * The master's core, without HTTP: storage, searcher driving, supervision and
 * recovery wired together. `createMaster` is what `pushtune master`, the demo
 * and the tests build; `start` recovers and launches, once the master's URL
 * is known.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { STOPPING_STATES } from "../domain/run-state.js";
import type { Launcher } from "../launcher/launcher.js";
import { ResourcePools } from "../launcher/resource-pools.js";
import type { Store, UserRow } from "../storage/store.js";
import { MasterContext, type MasterOptions } from "./context.js";
import { CustomSearcherService } from "./custom-searcher-service.js";
import { ExperimentLineage } from "./experiment-lineage.js";
import { ExperimentService } from "./experiment-service.js";
import { PushService } from "./push-service.js";
import { sweepStaging } from "./staging-sweep.js";
import { Supervisor } from "./supervisor.js";
import { hashToken, newSecret } from "./tokens.js";

export interface Master {
  readonly ctx: MasterContext;
  readonly store: Store;
  readonly experiments: ExperimentService;
  /** Fork an experiment, continue a trial: new experiments from old ones. */
  readonly lineage: ExperimentLineage;
  readonly push: PushService;
  /** A custom searcher's events and operations, for the user's search process. */
  readonly customSearcher: CustomSearcherService;
  readonly supervisor: Supervisor;
  /**
   * Recovers what a previous master left behind, then starts scheduling:
   * trials launched from here on are told `url` (an http(s) URL). Call it
   * once the API listens at `url`; before it, nothing is launched.
   */
  start(url: string): Promise<void>;
  /**
   * Asks every running trial to checkpoint and exit, launches nothing more,
   * and waits until they have exited; those still running after
   * `graceSeconds` are killed. Their trials resume from their latest
   * checkpoints under the next master, with no restart counted.
   */
  drain(graceSeconds: number): Promise<void>;
  /** Stops scheduling and waits for in-flight work; leaves trial processes to the launcher's close. */
  close(): Promise<void>;
}

/** `launcher` alone is one pool, "default". */
export function createMaster(
  store: Store,
  launcher: Launcher | ResourcePools,
  options: MasterOptions,
): Master {
  const pools = launcher instanceof ResourcePools ? launcher : ResourcePools.single(launcher);
  const ctx = new MasterContext(store, pools, options);
  const supervisor = new Supervisor(ctx);
  const experiments = new ExperimentService(ctx, supervisor);
  const push = new PushService(ctx, supervisor);
  ctx.hooks = {
    schedule: () => supervisor.schedule(),
    scheduleIfContended: () => supervisor.scheduleIfContended(),
    finish: (ids) => {
      for (const id of [...ids]) supervisor.enqueue(() => experiments.finishIfDone(id));
    },
    checkpointAfterStop: (id) => supervisor.enqueue(() => experiments.collectEnded(id)),
    allocationEnded: (id, exited) => push.allocationEnded(id, exited),
  };
  pools.attach(supervisor);
  return {
    ctx,
    store,
    experiments,
    lineage: new ExperimentLineage(ctx, experiments),
    push,
    customSearcher: new CustomSearcherService(ctx),
    supervisor,
    async start(url) {
      ctx.setMasterUrl(url);
      await recover(ctx, supervisor, experiments);
      supervisor.open();
      sweepStaging(ctx, (task) => supervisor.enqueue(task));
    },
    drain: (graceSeconds) => supervisor.drain(graceSeconds),
    async close() {
      await supervisor.close();
      ctx.notifier.close();
    },
  };
}

/**
 * After a restart: allocations a previous master left behind are re-adopted
 * by the launcher where they still run (and killed at the end of their
 * timeout if they had been told to stop), otherwise stopped and their trials
 * rescheduled from their latest checkpoints without counting a restart.
 * Searchers are rebuilt lazily from their event logs.
 */
async function recover(
  ctx: MasterContext,
  supervisor: Supervisor,
  experiments: ExperimentService,
): Promise<void> {
  await supervisor.recoverLingering();
  for (const a of await ctx.store.listLiveAllocations()) {
    // An adopted job's lines, from where the old master stopped reading, are its trial's.
    supervisor.logs.register(a.id, a.trialId);
    // An allocation of a pool this master no longer has cannot be reached: it is lost.
    const launcher = ctx.launcherOf(a);
    const outcome =
      a.state === "PENDING" || !launcher
        ? "stopped"
        : await launcher.recover(a.id, a.launcherHandle);
    if (outcome === "stopped") {
      await supervisor.handleExit(a.id, { exitCode: null, signal: null, lost: true });
    } else if (a.preemptRequested) {
      // Told to stop before the restart: still killed at the end of its timeout.
      const exp = await ctx.store.getExperiment(a.experimentId);
      if (exp) {
        const timeout = supervisor.preemptionTimeout(exp.config);
        await supervisor.requestPreemption(a, timeout, a.preemptRequestedAt ?? ctx.now());
      }
    }
  }
  await supervisor.resumeLaunchWaits();
  // A stopping experiment ends once its trials have, and a killed one kills them (`finishIfDone`).
  for (const exp of await ctx.store.listExperiments({ states: [...STOPPING_STATES] })) {
    await experiments.finishIfDone(exp.id);
  }
}

/** The first admin token's file in the data directory. */
export const ADMIN_TOKEN_FILE = "admin.token";

/**
 * Creates the `admin` user on first start and writes its token to
 * `<dataDir>/admin.token` (0600). The token does not expire: it is a
 * first-login secret, revoked and its file removed by `retireAdminToken`
 * once an admin logs in with a password.
 */
export async function bootstrapAdmin(
  store: Store,
  dataDir: string,
): Promise<{ user: UserRow; token: string | null }> {
  const existing = await store.getUserByName("admin");
  if (existing) return { user: existing, token: null };
  const user = await store.createUser({ username: "admin", passwordHash: null, admin: true });
  const token = newSecret();
  await store.addUserToken(user.id, hashToken(token), null);
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, ADMIN_TOKEN_FILE), `${token}\n`, { mode: 0o600 });
  return { user, token };
}

/**
 * The first admin token's hash while it has not been retired (its file is
 * there), or null. Until then it may be the only way in as an admin: only
 * `retireAdminToken` revokes it, never a logout or a revoke of its user's
 * tokens, which would leave no one able to act as an admin, for good.
 */
export async function firstAdminTokenHash(file: string | undefined): Promise<string | null> {
  const token = file ? (await readFile(file, "utf8").catch(() => "")).trim() : "";
  return token ? hashToken(token) : null;
}

/**
 * An admin has logged in with a password: the first admin token is no longer
 * needed, so it is revoked and its file removed. Every trial runs as the
 * master's OS user and could read that file; from here on there is nothing
 * in the data directory that acts as a credential. No-op once done.
 */
export async function retireAdminToken(store: Store, file: string): Promise<boolean> {
  const token = (await readFile(file, "utf8").catch(() => "")).trim();
  if (!token) return false;
  await store.revokeUserToken(hashToken(token));
  await rm(file, { force: true });
  return true;
}
