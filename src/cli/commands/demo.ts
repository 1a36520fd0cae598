/**
 * `pushtune demo`: the whole product in one command. Starts an embedded
 * master (SQLite under `.pushtune/demo`), tunes the TensorFlow.js MLP of
 * `examples/mnist-tfjs` with adaptive ASHA while following it live, prints
 * the best trial, and says where to look next. Safe to run again: it takes a
 * free port, and the database simply gains another experiment.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { POOL_SLOTS } from "../../master/config/master-config.js";
import { type CommandContext, integerOption } from "../context.js";
import { CliError } from "../errors.js";
import { startMaster } from "./master.js";

const DEFAULT_CONFIG = "examples/mnist-tfjs/adaptive.yaml";

interface DemoFlags {
  config: string;
  dataDir: string;
  slots: number;
}

export function demoCommand(
  program: Command,
  ctx: CommandContext,
  /** Runs another command; `env` adds to the environment it sees. */
  run: (argv: string[], env: Record<string, string>) => Promise<number>,
): void {
  program
    .command("demo")
    .description("start an embedded master and tune an MNIST model with adaptive ASHA, live")
    .option("--config <file>", "experiment config to run", DEFAULT_CONFIG)
    .option("--data-dir <dir>", "where the demo master keeps its data", ".pushtune/demo")
    .option("--slots <n>", "trial slots", integerOption("--slots", POOL_SLOTS), 2)
    .action(async (flags: DemoFlags) => {
      const config = resolve(flags.config);
      const workdir = resolve(config, "..");
      await readFile(config).catch(() => {
        throw new CliError(`cannot read ${flags.config}; run the demo from the pushtune folder`, 2);
      });
      const started = Date.now();
      const master = await startMaster({
        dataDir: flags.dataDir,
        port: 0,
        slots: flags.slots,
        quiet: true,
      });
      const token = (await readFile(join(master.dataDir, "admin.token"), "utf8")).trim();
      ctx.print([
        `pushtune demo: an embedded master at ${master.url} (SQLite in ${flags.dataDir}, ${flags.slots} slots)`,
        `tuning ${flags.config} (a TensorFlow.js MLP on MNIST digits) with adaptive ASHA`,
        "",
      ]);
      let code = 1;
      try {
        code = await run(
          [
            "node",
            "pushtune",
            "--master",
            master.url,
            "--token",
            token,
            "experiment",
            "create",
            config,
            workdir,
            "--follow",
            // The demo master's data dir: where the follow finds the best checkpoint's files.
          ],
          { PUSHTUNE_DATA_DIR: master.dataDir },
        );
      } finally {
        await master.close();
      }
      const minutes = ((Date.now() - started) / 60_000).toFixed(1);
      ctx.print([
        "",
        `demo ${code === 0 ? "finished" : "stopped"} in ${minutes} min; checkpoints are in ${join(flags.dataDir, "checkpoints")}/<uuid>.`,
        `look at it in the web UI: npx pushtune master --data-dir ${flags.dataDir}, then open http://127.0.0.1:8080`,
        `  (sign in with the token in ${join(flags.dataDir, "admin.token")})`,
        "run a master for real: npx pushtune master [--db postgres://user@host/db] [--data-dir DIR] [--slots N],",
        "  then: npx pushtune experiment create CONFIG WORKDIR --follow",
      ]);
      ctx.exitCode = code;
    });
}
