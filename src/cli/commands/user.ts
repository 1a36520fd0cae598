/**
 * `pushtune user create|login|logout|list|revoke|deactivate|activate` and `pushtune token`. A login's token is saved
 * per master URL in `<data-dir>/logins.json` (owner-only), so later commands
 * against that master use it without flags.
 */
import type { Command } from "commander";
import { plural } from "../../protocol/counts.js";
import type { MasterClient } from "../client.js";
import {
  forgetLogin,
  type GlobalFlags,
  masterUrl,
  noTokenAdvice,
  resolveToken,
  saveLogin,
} from "../connection.js";
import type { CommandContext } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { userTable } from "../format/users.js";
import { ADMIN_TOKEN_FILE } from "../paths.js";

type Flags<T> = T & GlobalFlags;
const flagsOf = <T>(cmd: Command) => cmd.optsWithGlobals<Flags<T>>();

const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_PASSWORD = 8;

export function userCommand(program: Command, ctx: CommandContext): void {
  const user = program.command("user").description("create users and log in");

  user
    .command("create")
    .description("create a user (admins only); prints the new user's first token")
    .argument("<name>", "user name: letters, digits, _ . -")
    .option("--password [password]", "give the user a password (asked for when no value is given)")
    .option("--admin", "make the user an admin")
    .option("--json", "print the user and token as JSON")
    .action(async (name: string, _o, cmd: Command) => {
      const flags = flagsOf<{ password?: string | true; admin?: boolean; json?: boolean }>(cmd);
      checkUsername(name);
      const password =
        flags.password === undefined ? undefined : await readPassword(ctx, flags.password);
      if (password !== undefined && password.length < MIN_PASSWORD)
        throw usageError(`a password needs at least ${MIN_PASSWORD} characters`);
      const client = await ctx.connect(flags);
      const created = await client.createUser({
        username: name,
        ...(password === undefined ? {} : { password }),
        ...(flags.admin ? { admin: true } : {}),
      });
      if (flags.json) return ctx.printJson(created);
      ctx.print([
        `created user ${created.user.username}${created.user.admin ? " (admin)" : ""}`,
        `token: ${created.token}`,
      ]);
    });

  user
    .command("login")
    .description("log in with a password; saves the token for this master and prints it")
    .argument("<name>", "user name")
    .option("--password <password>", "the password (default: asked for, or read from stdin)")
    .option("--json", "print the user and token as JSON")
    .action(async (name: string, _o, cmd: Command) => {
      const flags = flagsOf<{ password?: string; json?: boolean }>(cmd);
      const password = await readPassword(ctx, flags.password ?? true);
      if (!password) throw usageError("no password given");
      const client = await ctx.connect(flags);
      const answer = await client.login(name, password);
      const path = await saveLogin(ctx.io.env, client.url, {
        username: answer.user.username,
        token: answer.token,
      });
      if (flags.json) ctx.printJson(answer);
      else ctx.print(answer.token);
      ctx.io.err(`logged in as ${answer.user.username} at ${client.url}; token saved in ${path}\n`);
    });

  user
    .command("logout")
    .description("revoke the token the CLI uses for this master and forget its saved login")
    .action(async (_o, cmd: Command) => {
      const flags = flagsOf<object>(cmd);
      const url = masterUrl(flags, ctx.io.env);
      const found = await resolveToken(url, flags, ctx.io.env);
      // Revoking it while no admin has a password would leave nobody able to act as an admin.
      if (found?.source.endsWith(ADMIN_TOKEN_FILE))
        throw usageError(
          `the token in ${found.source} is the master's first admin token: it is revoked when ` +
            "an admin logs in with a password (`pushtune user create NAME --admin --password`, " +
            "then `pushtune user login NAME`)",
        );
      const client = await ctx.connect(flags);
      await client.logout();
      const forgot = found?.source.startsWith("the login of")
        ? await forgetLogin(ctx.io.env, client.url)
        : false;
      ctx.io.err(
        `token revoked at ${client.url}${forgot ? "; its saved login is forgotten" : ""}\n`,
      );
    });

  user
    .command("list")
    .description("list the users, with whether each is an admin and active")
    .option("--json", "print the users as JSON")
    .action(async (_o, cmd: Command) => {
      const flags = flagsOf<{ json?: boolean }>(cmd);
      const { users } = await (await ctx.connect(flags)).listUsers();
      if (flags.json) return ctx.printJson({ users });
      ctx.print(userTable(users, ctx.io.columns(), ctx.style));
    });

  /** An admin's command on one user by name: the master's answer, as JSON or as one line. */
  const onUser = <T>(
    command: string,
    description: string,
    call: (client: MasterClient, name: string) => Promise<T>,
    line: (answer: T, name: string) => string,
  ) =>
    user
      .command(command)
      .description(description)
      .argument("<name>", "user name")
      .option("--json", "print the answer as JSON")
      .action(async (name: string, _o, cmd: Command) => {
        const flags = flagsOf<{ json?: boolean }>(cmd);
        checkUsername(name);
        const answer = await call(await ctx.connect(flags), name);
        if (flags.json) return ctx.printJson(answer);
        ctx.print(line(answer, name));
      });

  onUser(
    "revoke",
    "revoke every token of a user (admins only); they log in again for a new one",
    (client, name) => client.revokeTokens(name),
    (a, name) => `revoked ${plural(a.revoked, "token", "tokens")} of ${name}`,
  );
  onUser(
    "deactivate",
    "take a user's access away (admins only): their tokens and logins are refused",
    (client, name) => client.setUserActive(name, false),
    (a, name) => `${a.changed ? "" : "already "}deactivated ${name}; their experiments go on`,
  );
  onUser(
    "activate",
    "let a deactivated user log in again (admins only); their old tokens stay revoked",
    (client, name) => client.setUserActive(name, true),
    (a, name) => `${a.changed ? "" : "already "}activated ${name}`,
  );

  program
    .command("token")
    .description(
      "print the token the CLI uses for the master (see --token, PUSHTUNE_TOKEN, user login)",
    )
    .action(async (_o, cmd: Command) => {
      const flags = flagsOf<object>(cmd);
      const url = masterUrl(flags, ctx.io.env);
      const found = await resolveToken(url, flags, ctx.io.env);
      if (!found)
        throw new CliError(`no token for the master at ${url}: ${noTokenAdvice(url, ctx.io.env)}`);
      ctx.print(found.token);
      if (ctx.io.isTTY) ctx.io.err(`(from ${found.source})\n`);
    });
}

function checkUsername(name: string): void {
  if (!USERNAME.test(name))
    throw usageError(
      `user name "${name}" may only have letters, digits, "_", "." and "-" (at most 64)`,
    );
}

/** The password given on the command line, else asked for on a terminal, else stdin's first line. */
async function readPassword(ctx: CommandContext, given: string | true): Promise<string> {
  if (typeof given === "string") return given;
  if (ctx.io.stdin.isTTY) {
    try {
      return await ctx.io.promptHidden("password: ");
    } catch {
      throw new CliError("interrupted", 130);
    }
  }
  const text = await ctx.io.stdin.readAll();
  return text.split(/\r?\n/)[0] ?? "";
}
