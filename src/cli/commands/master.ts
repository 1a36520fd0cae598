/** `pushtune master`: runs a master with its REST API and web UI. */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { CliError } from "../errors.js";
import { defaultDataDir } from "../paths.js";
import { parseIntArg } from "./preview.js";

export interface RunningMaster {
  url: string;
  dataDir: string;
  close(): Promise<void>;
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
}

/** A token lifetime past this is no expiry at all; 100 years also keeps dates representable. */
const MAX_TOKEN_TTL_DAYS = 36_500;

/**
 * Starts a master in this process; used by `pushtune master` and the demo.
 * The master's modules load here, not at startup, so the other commands start fast.
 */
export async function startMaster(flags: MasterFlags): Promise<RunningMaster> {
  const ttl = flags.tokenTtlDays;
  if (ttl !== undefined && !(ttl >= 1 && ttl <= MAX_TOKEN_TTL_DAYS))
    throw new CliError(
      `--token-ttl-days must be between 1 and ${MAX_TOKEN_TTL_DAYS}, got ${ttl}`,
      2,
    );
  const [{ bootstrapAdmin, createMaster }, { buildServer }, { LocalLauncher }, storage] =
    await Promise.all([
      import("../../master/app/master.js"),
      import("../../master/http/server.js"),
      import("../../master/launcher/local-launcher.js"),
      import("../../master/storage/open-store.js"),
    ]);
  const { openStore, redactUrl } = storage;

  const dataDir = resolve(flags.dataDir ?? defaultDataDir());
  await mkdir(dataDir, { recursive: true });
  const dbUrl = flags.db ?? join(dataDir, "pushtune.db");
  const store = await openStore(dbUrl);
  const { token } = await bootstrapAdmin(store, dataDir);
  const host = flags.host ?? "127.0.0.1";
  const launcher = new LocalLauncher(flags.slots === undefined ? {} : { slots: flags.slots });
  // The port is known only after listen when 0 is asked for; trials get the final URL.
  const options = {
    checkpointRoot: join(dataDir, "checkpoints"),
    masterUrl: "",
    adminTokenFile: join(dataDir, "admin.token"),
    ...(flags.tokenTtlDays === undefined ? {} : { tokenTtlMs: flags.tokenTtlDays * 86_400_000 }),
  };
  const master = await createMaster(store, launcher, options);
  const app = await buildServer(master);
  await app.listen({ host, port: flags.port ?? 8080 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : (flags.port ?? 8080);
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const url = `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
  options.masterUrl = url;
  if (!flags.quiet) {
    process.stdout.write(
      `pushtune master listening on ${url} (database ${redactUrl(dbUrl)}, ${launcher.totalSlots} slots)\n`,
    );
    if (token)
      process.stdout.write(`created user admin; its token is in ${join(dataDir, "admin.token")}\n`);
  }
  return {
    url,
    dataDir,
    async close() {
      await app.close();
      await master.close();
      await launcher.close();
      await store.close();
    },
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
      "--token-ttl-days <n>",
      "days a user token from a login or user creation lasts (default 30)",
      parseIntArg,
    )
    .action(async (flags: MasterFlags) => {
      const running = await startMaster(flags);
      const stop = async () => {
        await running.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
