/** `pushtune master`: runs a master with its REST API and web UI. */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import {
  DEFAULT_POOLS,
  type MasterConfig,
  POOL_SLOTS,
  PORT,
  type PoolConfig,
} from "../../master/config/master-config.js";
import type { Launcher } from "../../master/launcher/launcher.js";
import type { CommandRunner } from "../../master/launcher/slurm/command-runner.js";
import type { ResourcePoolList } from "../../protocol/api/resource-pools.js";
import { ErrorList } from "../../protocol/config/errors.js";
import { integer } from "../../protocol/config/fields.js";
import { MAX_TIMER_SECONDS } from "../../protocol/timers.js";
import type { GlobalFlags } from "../connection.js";
import { type CommandContext, integerOption } from "../context.js";
import { CliError } from "../errors.js";
import { resourcePoolTable } from "../format/resource-pools.js";
import { keepRunningWhenOutputCloses } from "../io.js";
import { makeDirectory } from "../make-directory.js";
import { defaultDataDir } from "../paths.js";

export interface RunningMaster {
  /** Where this machine reaches the API. */
  url: string;
  /** The URL trials are told to reach the master at. */
  advertisedUrl: string;
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
  /** A master config file (YAML); the other flags override what it sets. */
  config?: string;
  db?: string;
  dataDir?: string;
  host?: string;
  port?: number;
  /** The URL trials use to reach the master (default: from the host and port). */
  advertisedUrl?: string;
  /** Slots of the default pool. */
  slots?: number;
  /** Days a user token from a login lasts (default 30). */
  tokenTtlDays?: number;
  quiet?: boolean;
  stopTimeout?: number;
  /**
   * Where the default pool's trials run instead of the launcher its config
   * names (`slots` is then the launcher's own); the master closes it when it stops.
   */
  launcher?: Launcher;
  /** Runs Slurm's commands for the Slurm pools (default: with the master's environment). */
  runSlurmCommand?: CommandRunner;
}

/**
 * The flags over the config file over the defaults. Without a file or its
 * `resource_pools`: one local pool, "default".
 */
async function settings(flags: MasterFlags) {
  // Loaded here: the YAML reader is not every command's to load.
  const file: MasterConfig = flags.config
    ? (await import("../master-config-file.js")).readMasterConfigFile(flags.config)
    : {};
  if (flags.advertisedUrl !== undefined && !isHttpUrl(flags.advertisedUrl))
    throw new CliError(
      `--advertised-url must be an http(s) URL with a host, got "${flags.advertisedUrl}"`,
      2,
    );
  return {
    db: flags.db ?? file.db,
    dataDir: flags.dataDir ?? file.data_dir,
    host: flags.host ?? file.host ?? "127.0.0.1",
    port: flags.port ?? file.port ?? 8080,
    advertisedUrl: flags.advertisedUrl ?? file.advertised_url,
    pools: file.resource_pools ?? DEFAULT_POOLS,
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return /^https?:$/.test(url.protocol) && url.host !== "";
  } catch {
    return false;
  }
}

/**
 * The URL trials are told when none is configured: the host listened on; for
 * a wildcard host, this machine's name when some trials run elsewhere (a
 * Slurm pool), else the loopback address.
 */
function defaultAdvertisedUrl(host: string, port: number, pools: readonly PoolConfig[]): string {
  const wildcard = host === "0.0.0.0" || host === "::";
  const remote = pools.some((p) => p.launcher !== "local");
  const name = wildcard ? (remote ? hostname() : "127.0.0.1") : host;
  return `http://${name.includes(":") ? `[${name}]` : name}:${port}`;
}

/** Seconds trials get to checkpoint and exit when `pushtune master` is asked to stop. */
export const DEFAULT_STOP_TIMEOUT = 30;

/** A token lifetime past this is no expiry at all; 100 years also keeps dates representable. */
const MAX_TOKEN_TTL_DAYS = 36_500;

/** Days a token from a login may last. */
const TOKEN_TTL_DAYS = integer({ min: 1, max: MAX_TOKEN_TTL_DAYS });

/** Seconds trials may get to checkpoint when the master stops: 0 (killed at once) to the longest timer. */
const STOP_TIMEOUT = integer({ min: 0, max: MAX_TIMER_SECONDS });

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
  const given = await settings(flags);
  const ttl = flags.tokenTtlDays;
  // Checked again for callers other than the command line (the demo).
  if (ttl !== undefined) {
    const errors = new ErrorList();
    if (TOKEN_TTL_DAYS.read(ttl, "--token-ttl-days", errors) === undefined)
      throw new CliError(`--token-ttl-days: ${errors.errors[0]!.message}`, 2);
  }
  const [
    { bootstrapAdmin, createMaster },
    { buildServer },
    { buildResourcePools },
    storage,
    dataDirs,
    holds,
    { missingPoolWarnings },
  ] = await Promise.all([
    import("../../master/app/master.js"),
    import("../../master/http/server.js"),
    import("../../master/launcher/pool-launchers.js"),
    import("../../master/storage/open-store.js"),
    import("../../master/storage/data-dir.js"),
    import("../../master/storage/master-hold.js"),
    import("../../master/app/resource-pool-views.js"),
  ]);
  const { openStore, redactUrl, sqlitePath } = storage;
  const dataDir = resolve(given.dataDir ?? defaultDataDir());
  await makeDirectory(dataDir, "cannot use the data directory", 0o700);
  dataDirs.preparePrivateDir(dataDir);
  const dbUrl = given.db ?? join(dataDir, "pushtune.db");
  const sqliteFile = sqlitePath(dbUrl);
  const dbDir = sqliteFile && sqliteFile !== ":memory:" ? dirname(resolve(sqliteFile)) : null;
  if (dbDir !== null && !existsSync(dbDir))
    throw new CliError(
      `cannot open the database ${redactUrl(dbUrl)}: there is no directory ${dbDir}`,
    );
  const evidence = dataDirs.usedEvidence(dataDir);
  const dirHold = await holds.holdDataDir(dataDir);
  // The database's own hold: PostgreSQL's advisory lock, or a SQLite file's directory when it
  // lies outside the data dir (two data dirs must not share one database either).
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
    const { host } = given;
    const pools = buildResourcePools(given.pools, {
      dataDir,
      ...(flags.slots === undefined ? {} : { defaultSlots: flags.slots }),
      ...(flags.launcher ? { defaultLauncher: flags.launcher } : {}),
      ...(flags.runSlurmCommand ? { runSlurmCommand: flags.runSlurmCommand } : {}),
    });
    cleanups.push(() => pools.close());
    const master = createMaster(store, pools, {
      checkpointRoot: join(dataDir, "checkpoints"),
      adminTokenFile: join(dataDir, "admin.token"),
      ...(ttl === undefined ? {} : { tokenTtlMs: ttl * 86_400_000 }),
    });
    cleanups.push(() => master.close());
    const app = await buildServer(master);
    cleanups.push(() => app.close());
    const wanted = given.port;
    try {
      await app.listen({ host, port: wanted });
    } catch (err) {
      throw new Error(`cannot listen on ${host}:${wanted}: ${(err as Error).message}`);
    }
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : wanted;
    const everywhere = host === "0.0.0.0" || host === "::";
    const reachable = everywhere ? "127.0.0.1" : host;
    const url = `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
    // On every address it names one that works from this machine, and says it takes the others.
    const where = everywhere ? `on every address (${host}); ` : "";
    const advertisedUrl = given.advertisedUrl ?? defaultAdvertisedUrl(host, port, given.pools);
    await dirHold.announce(port);
    await dbHold?.announce(port);
    await master.start(advertisedUrl);
    if (!flags.quiet) {
      const poolList = pools.all
        .map(
          (p) =>
            `${p.name}: ${p.kind}, ${p.launcher.totalSlots} slot${p.launcher.totalSlots === 1 ? "" : "s"}`,
        )
        .join("; ");
      process.stdout.write(
        `pushtune master listening on ${url} (${where}database ${redactUrl(dbUrl)}; pools ${poolList})\n`,
      );
      if (advertisedUrl !== url)
        process.stdout.write(`trials reach the master at ${advertisedUrl}\n`);
      for (const line of await missingPoolWarnings(master.ctx))
        process.stderr.write(`warning: ${line}\n`);
      if (token)
        process.stdout.write(
          `created user admin; its token is in ${join(dataDir, "admin.token")}\n`,
        );
    }
    let closing: Promise<void> | null = null;
    return {
      url,
      advertisedUrl,
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
          await pools.close();
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

export function masterCommand(program: Command, ctx: CommandContext): void {
  const master = program
    .command("master")
    .description("run a master: searcher, scheduler, REST API and web UI")
    .option(
      "--config <file>",
      "master config (YAML): db, data_dir, host, port, advertised_url, resource_pools; flags override it",
    )
    .option(
      "--db <url>",
      "database: a SQLite file path or postgres://… (default <data-dir>/pushtune.db)",
    )
    .option(
      "--data-dir <dir>",
      "where the database, checkpoints and admin token live (default ~/.pushtune)",
    )
    .option("--host <host>", "address to listen on (default 127.0.0.1)")
    .option("--port <port>", "port to listen on (default 8080)", integerOption("--port", PORT))
    .option(
      "--advertised-url <url>",
      "the URL trials use to reach the master (default: from --host and --port)",
    )
    .option(
      "--slots <n>",
      "trial slots of the default pool (default: its config's, or the number of CPUs)",
      integerOption("--slots", POOL_SLOTS),
    )
    .option(
      "--stop-timeout <seconds>",
      "on SIGTERM or SIGINT, seconds trials get to checkpoint and exit before they are killed",
      integerOption("--stop-timeout", STOP_TIMEOUT),
      DEFAULT_STOP_TIMEOUT,
    )
    .option(
      "--token-ttl-days <n>",
      "days a user token from a login or user creation lasts (default 30)",
      integerOption("--token-ttl-days", TOKEN_TTL_DAYS),
    )
    .action(async (flags: MasterFlags) => {
      keepRunningWhenOutputCloses();
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

  master
    .command("info")
    .description("show the master's resource pools: launchers, slots, what runs in each")
    .option("--json", "print the pools as JSON")
    .action(async (_o, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags & { json?: boolean }>();
      const client = await ctx.connect(flags);
      const pools = await client.request<ResourcePoolList>("GET", "/resource-pools");
      if (flags.json) return ctx.printJson(pools);
      ctx.print([
        `master ${client.url}`,
        ...resourcePoolTable(pools.resourcePools, ctx.io.columns(), ctx.style),
      ]);
    });
}
