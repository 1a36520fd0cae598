/** `pushtune master`: runs a master with its REST API and web UI. */
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import type { Launcher } from "../../master/launcher/launcher.js";
import { CliError } from "../errors.js";
import { defaultDataDir } from "../paths.js";
import { parseIntArg } from "./preview.js";

export interface RunningMaster {
  url: string;
  dataDir: string;
  /** Resolves with a reason if the master loses its hold on the database; it must stop then. */
  lost: Promise<string>;
  /**
   * Stops the master. With `graceSeconds` > 0 its trials are first asked to
   * checkpoint and exit, and killed only after that long; with 0 (the
   * default) the launcher is closed at once: the local one kills its trials,
   * a Slurm one leaves its jobs running for the next master to adopt. Either
   * way the next master on the same database resumes what is not running
   * from its latest checkpoint, no restart counted.
   * A call while a graceful stop is under way with 0 cuts the grace short.
   */
  close(graceSeconds?: number): Promise<void>;
}

export interface MasterFlags {
  db?: string;
  dataDir?: string;
  host?: string;
  port?: number;
  slots?: number;
  /** Days a user token from a login lasts (default 30). */
  tokenTtlDays?: number;
  quiet?: boolean;
  stopTimeout?: number;
  /**
   * Where trials run instead of the local launcher (`slots` is then the
   * launcher's own); the master closes it when it stops.
   */
  launcher?: Launcher;
}

/** Seconds trials get to checkpoint and exit when `pushtune master` is asked to stop. */
export const DEFAULT_STOP_TIMEOUT = 30;

/** A token lifetime past this is no expiry at all; 100 years also keeps dates representable. */
const MAX_TOKEN_TTL_DAYS = 36_500;

/**
 * Starts a master in this process; used by `pushtune master` and the demo.
 * The master's modules load here, not at startup, so the other commands start fast.
 *
 * In this order, so that a master that cannot run touches nothing and one
 * that runs never launches a trial it cannot tell its URL: the data dir is
 * made private; the master takes its exclusive hold (the data dir, and a
 * PostgreSQL database), or is refused naming the holder; a SQLite database
 * lost from a used data dir is refused; the store is opened and checked; the
 * API listens; only then are trials recovered and launched.
 */
export async function startMaster(flags: MasterFlags): Promise<RunningMaster> {
  const ttl = flags.tokenTtlDays;
  if (ttl !== undefined && !(ttl >= 1 && ttl <= MAX_TOKEN_TTL_DAYS))
    throw new CliError(
      `--token-ttl-days must be between 1 and ${MAX_TOKEN_TTL_DAYS}, got ${ttl}`,
      2,
    );
  const [
    { bootstrapAdmin, createMaster },
    { buildServer },
    { LocalLauncher },
    storage,
    dataDirs,
    holds,
  ] = await Promise.all([
    import("../../master/app/master.js"),
    import("../../master/http/server.js"),
    import("../../master/launcher/local-launcher.js"),
    import("../../master/storage/open-store.js"),
    import("../../master/storage/data-dir.js"),
    import("../../master/storage/master-hold.js"),
  ]);
  const { openStore, redactUrl, sqlitePath } = storage;
  const dataDir = resolve(flags.dataDir ?? defaultDataDir());
  dataDirs.preparePrivateDir(dataDir);
  const dbUrl = flags.db ?? join(dataDir, "pushtune.db");
  const sqliteFile = sqlitePath(dbUrl);
  const evidence = dataDirs.usedEvidence(dataDir);
  const dirHold = await holds.holdDataDir(dataDir);
  // The database's own hold: PostgreSQL's advisory lock, or a SQLite file's directory when it
  // lies outside the data dir (two data dirs must not share one database either).
  const dbDir = sqliteFile && sqliteFile !== ":memory:" ? dirname(resolve(sqliteFile)) : null;
  const dbHold =
    sqliteFile === null
      ? await holds.holdPostgres(dbUrl).catch(releasing(dirHold))
      : dbDir !== null && dbDir !== dataDir
        ? await holds.holdDataDir(dbDir).catch(releasing(dirHold))
        : null;
  const release = async () => {
    await dbHold?.release();
    await dirHold.release();
  };
  const cleanups: (() => Promise<void>)[] = [release];
  const undo = async () => {
    for (const f of cleanups.reverse()) await f().catch(() => {});
  };
  try {
    if (sqliteFile !== null && sqliteFile !== ":memory:") {
      dataDirs.refuseLostDatabase(dataDir, resolve(sqliteFile), evidence);
    }
    const store = await openStore(dbUrl);
    cleanups.push(() => store.close());
    const { token } = await bootstrapAdmin(store, dataDir);
    const host = flags.host ?? "127.0.0.1";
    const launcher =
      flags.launcher ?? new LocalLauncher(flags.slots === undefined ? {} : { slots: flags.slots });
    cleanups.push(() => launcher.close());
    const master = createMaster(store, launcher, {
      checkpointRoot: join(dataDir, "checkpoints"),
      adminTokenFile: join(dataDir, "admin.token"),
      ...(ttl === undefined ? {} : { tokenTtlMs: ttl * 86_400_000 }),
    });
    cleanups.push(() => master.close());
    const app = await buildServer(master);
    cleanups.push(() => app.close());
    const wanted = flags.port ?? 8080;
    try {
      await app.listen({ host, port: wanted });
    } catch (err) {
      throw new Error(`cannot listen on ${host}:${wanted}: ${(err as Error).message}`);
    }
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : wanted;
    const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
    const url = `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
    await dirHold.announce(port);
    await dbHold?.announce(port);
    await master.start(url);
    if (!flags.quiet) {
      process.stdout.write(
        `pushtune master listening on ${url} (database ${redactUrl(dbUrl)}, ${launcher.totalSlots} slots)\n`,
      );
      if (token)
        process.stdout.write(
          `created user admin; its token is in ${join(dataDir, "admin.token")}\n`,
        );
    }
    let closing: Promise<void> | null = null;
    return {
      url,
      dataDir,
      lost: dbHold?.lost ?? new Promise<string>(() => {}),
      close(graceSeconds = 0) {
        if (closing) {
          if (graceSeconds === 0) void master.supervisor.killLive().catch(() => {});
          return closing;
        }
        closing = (async () => {
          // The API stays up meanwhile: trials checkpoint and report through it.
          if (graceSeconds > 0) await master.drain(graceSeconds);
          await app.close();
          await master.close();
          await launcher.close();
          await store.close();
          await release();
        })();
        return closing;
      },
    };
  } catch (err) {
    await undo();
    throw err;
  }
}

/** For a failed step after `hold` was taken: releases it, then rethrows. */
function releasing(hold: { release(): Promise<void> }) {
  return async (err: unknown): Promise<never> => {
    await hold.release();
    throw err;
  };
}

export function masterCommand(program: Command): void {
  program
    .command("master")
    .description("run a master: searcher, scheduler, REST API and web UI")
    .option(
      "--db <url>",
      "database: a SQLite file path or postgres://… (default <data-dir>/pushtune.db)",
    )
    .option(
      "--data-dir <dir>",
      "where the database, checkpoints and admin token live (default ~/.pushtune)",
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on", parseIntArg, 8080)
    .option(
      "--slots <n>",
      "trial slots of the local launcher (default: number of CPUs)",
      parseIntArg,
    )
    .option(
      "--stop-timeout <seconds>",
      "on SIGTERM or SIGINT, seconds trials get to checkpoint and exit before they are killed",
      parseIntArg,
      DEFAULT_STOP_TIMEOUT,
    )
    .option(
      "--token-ttl-days <n>",
      "days a user token from a login or user creation lasts (default 30)",
      parseIntArg,
    )
    .action(async (flags: MasterFlags) => {
      const running = await startMaster(flags);
      // A first signal stops gracefully; a second one kills the trials at once.
      let signals = 0;
      const stop = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals === 1) {
          process.stderr.write(
            `pushtune master: ${signal}: trials checkpoint and exit (at most ${flags.stopTimeout ?? DEFAULT_STOP_TIMEOUT} s), then it stops\n`,
          );
        }
        const grace = signals === 1 ? (flags.stopTimeout ?? DEFAULT_STOP_TIMEOUT) : 0;
        void running.close(grace).then(() => process.exit(0));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      void running.lost.then(async (reason) => {
        process.stderr.write(`pushtune master: ${reason}; stopping\n`);
        await running.close(0).catch(() => {});
        process.exit(1);
      });
    });
}
