/** `pushtune checkpoint …`: list an experiment's or a trial's checkpoints, download one. */
import { createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import type { CheckpointSchema } from "../../protocol/api/resources.js";
import { compareCheckpoints } from "../checkpoint-location.js";
import type { GlobalFlags } from "../connection.js";
import { type CommandContext, parseId } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { checkpointTable } from "../format/checkpoints.js";
import { formatBytes } from "../format/values.js";
import { makeDirectory } from "../make-directory.js";

type Flags<T> = T & GlobalFlags;
const flagsOf = <T>(cmd: Command) => cmd.optsWithGlobals<Flags<T>>();

export function checkpointCommand(program: Command, ctx: CommandContext): void {
  const checkpoint = program
    .command("checkpoint")
    .alias("c")
    .description("list and download checkpoints");

  checkpoint
    .command("list")
    .alias("ls")
    .description("list an experiment's checkpoints (or one trial's with --trial), best first")
    .argument("[experiment]", "experiment id")
    .option("--trial <id>", "list this trial's checkpoints instead")
    .option("--json", "print the checkpoints as JSON, in the same order")
    .action(async (expText: string | undefined, _o, cmd: Command) => {
      const flags = flagsOf<{ trial?: string; json?: boolean }>(cmd);
      if ((expText === undefined) === (flags.trial === undefined))
        throw usageError(
          "give an experiment id or --trial ID (e.g. `checkpoint list 3` or `checkpoint list --trial 12`)",
        );
      const client = await ctx.connect(flags);
      let experimentId: number;
      let list: { checkpoints: CheckpointSchema[] };
      if (flags.trial !== undefined) {
        const trialId = parseId("trial", flags.trial);
        list = await client.trialCheckpoints(trialId);
        experimentId = (await client.trial(trialId)).experimentId;
      } else {
        experimentId = parseId("experiment", expText!);
        list = await client.experimentCheckpoints(experimentId);
      }
      const e = await client.experiment(experimentId);
      const checkpoints = [...list.checkpoints].sort((a, b) =>
        compareCheckpoints(a, b, e.smallerIsBetter),
      );
      if (flags.json) return ctx.printJson({ checkpoints });
      if (checkpoints.length === 0) return ctx.print("no checkpoints");
      ctx.print(checkpointTable(checkpoints, e.metric, ctx.io.columns(), ctx.style));
    });

  checkpoint
    .command("download")
    .description("download a checkpoint's files into a directory")
    .argument("<uuid>", "checkpoint uuid")
    .argument("[dir]", "where to put the files (default: ./checkpoints/<uuid>)")
    .action(async (uuid: string, dirArg: string | undefined, _o, cmd: Command) => {
      const client = await ctx.connect(flagsOf(cmd));
      const c = await client.checkpoint(uuid);
      if (c.state !== "ACTIVE")
        throw new CliError(`checkpoint ${uuid} is ${c.state}: its files are gone`);
      const dir = resolve(ctx.io.cwd(), dirArg ?? join("checkpoints", uuid));
      const into = "cannot download into";
      await makeDirectory(dir, into);
      let files = 0;
      let bytes = 0;
      for (const [rel, size] of Object.entries(c.resources)) {
        const target = safeTarget(dir, rel);
        if (rel.endsWith("/")) {
          await makeDirectory(target, into);
          continue;
        }
        await makeDirectory(dirname(target), into);
        const body = await client.checkpointFile(uuid, rel);
        try {
          await pipeline(body, createWriteStream(target));
        } catch (err) {
          // A part of a file (a full disk) is not left to pass for the checkpoint's.
          await rm(target, { force: true });
          throw new CliError(
            `cannot download ${rel} of checkpoint ${uuid} into ${dir}: ${(err as Error).message}`,
          );
        }
        const written = (await stat(target)).size;
        if (written !== size)
          throw new CliError(
            `${rel} of checkpoint ${uuid}: got ${written} bytes, the checkpoint says ${size}`,
          );
        files++;
        bytes += written;
      }
      ctx.print(
        `downloaded checkpoint ${uuid}: ${files} file${files === 1 ? "" : "s"}, ${formatBytes(bytes)} into ${dir}`,
      );
    });
}

/** The local path for a file of a checkpoint; a name that would leave `dir` is refused. */
function safeTarget(dir: string, rel: string): string {
  const clean = normalize(rel);
  const target = resolve(dir, clean);
  const inside = relative(dir, target);
  if (
    isAbsolute(rel) ||
    inside.startsWith("..") ||
    isAbsolute(inside) ||
    inside.split(sep).includes("..")
  )
    throw new CliError(`checkpoint file "${rel}" would be written outside ${dir}; refusing`);
  return target;
}
