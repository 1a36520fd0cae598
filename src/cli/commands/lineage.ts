/**
 * New experiments from old ones: `experiment config ID` (the config as the
 * master holds it, every default spelled out, ready to edit),
 * `experiment fork ID [--config FILE]` and `trial continue ID --length N`.
 */

import { resolve } from "node:path";
import type { Command } from "commander";
import type { ExperimentDetail } from "../../protocol/api/resources.js";
import type { MasterClient } from "../client.js";
import { readConfigFile } from "../config-file.js";
import type { GlobalFlags } from "../connection.js";
import { type CommandContext, parseId, parsePositiveInt } from "../context.js";
import { CliError } from "../errors.js";
import { asExperimentConfig } from "../experiment-config.js";
import { printable } from "../format/printable.js";
import {
  checkFollowFlags,
  type FollowFlags,
  follow,
  followOption,
  intervalOption,
} from "./experiment.js";

type Flags<T> = T & GlobalFlags;
const flagsOf = <T>(cmd: Command) => cmd.optsWithGlobals<Flags<T>>();

/** Adds the subcommands to `experiment` and `trial`, which must be registered already. */
export function lineageCommands(program: Command, ctx: CommandContext): void {
  const sub = (name: string) => {
    const found = program.commands.find((c) => c.name() === name);
    if (!found) throw new Error(`no "${name}" command to add to`);
    return found;
  };
  const experiment = sub("experiment");
  const trial = sub("trial");

  const created = async (
    client: MasterClient,
    e: ExperimentDetail,
    what: string,
    flags: FollowFlags,
  ) => {
    if (flags.json) return ctx.printJson(e);
    ctx.print(
      `created experiment ${e.id} (${printable(e.name)}), ${what}: ${e.searcher} on ${printable(e.metric)}`,
    );
    if (!flags.follow) return ctx.print(`follow it with: pushtune experiment follow ${e.id}`);
    ctx.exitCode = await follow(ctx, client, e.id, flags.interval);
  };

  experiment
    .command("config")
    .description("print an experiment's config as the master holds it, every default filled in")
    .argument("<id>", "experiment id")
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("experiment", idText);
      const client = await ctx.connect(flagsOf(cmd));
      const e = await client.experiment(id);
      const config = asExperimentConfig(e.config);
      if (!config) throw new CliError(`experiment ${id}'s config is not one this CLI can read`);
      // The YAML writer loads for this command, not at every start of the CLI.
      const [{ experimentConfigToInput }, { configToYaml }] = await Promise.all([
        import("../../protocol/config/to-input.js"),
        import("../../protocol/config/write-yaml.js"),
      ]);
      ctx.io.out(configToYaml(experimentConfigToInput(config)));
    });

  experiment
    .command("fork")
    .description(
      "create an experiment from this one's config (or from --config FILE), in the same workdir",
    )
    .argument("<id>", "experiment id")
    .option("--config <file>", "the config to run instead (start from `experiment config ID`)")
    .option("--name <name>", "name of the new experiment")
    .addOption(followOption())
    .addOption(intervalOption())
    .option("--json", "print the created experiment as JSON")
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("experiment", idText);
      const flags = flagsOf<{ config?: string; name?: string } & FollowFlags>(cmd);
      checkFollowFlags(flags);
      // Read and checked here first, so a bad file is named before the master is asked.
      const file = flags.config ? await readConfigFile(resolve(ctx.io.cwd(), flags.config)) : null;
      const client = await ctx.connect(flags);
      const e = await client.request<ExperimentDetail>("POST", `/experiments/${id}/fork`, {
        ...(file ? { configYaml: file.text } : {}),
        ...(flags.name ? { name: flags.name } : {}),
      });
      await created(client, e, `forked from experiment ${id}`, flags);
    });

  trial
    .command("continue")
    .description(
      "train an ended trial on to a larger total length, from its latest checkpoint, as a new one-trial experiment",
    )
    .argument("<id>", "trial id")
    .requiredOption(
      "--length <n>",
      "the total length to train to, in the config's unit",
      parsePositiveInt("--length"),
    )
    .option("--name <name>", "name of the new experiment")
    .addOption(followOption())
    .addOption(intervalOption())
    .option("--json", "print the created experiment as JSON")
    .action(async (idText: string, _o, cmd: Command) => {
      const id = parseId("trial", idText);
      const flags = flagsOf<{ length: number; name?: string } & FollowFlags>(cmd);
      checkFollowFlags(flags);
      const client = await ctx.connect(flags);
      const e = await client.request<ExperimentDetail>("POST", `/trials/${id}/continue`, {
        length: flags.length,
        ...(flags.name ? { name: flags.name } : {}),
      });
      await created(client, e, `trial ${id} continued to ${flags.length}`, flags);
    });
}
