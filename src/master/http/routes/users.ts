/** Users and their tokens: create, log in and out, revoke, deactivate and activate. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { ErrorResponses } from "../../../protocol/api/common.js";
import { ApiError } from "../../../protocol/api/errors.js";
import {
  CreateUserBody,
  LoginBody,
  RevokeResponse,
  TokenResponse,
  UserActivationResponse,
  UserList,
  UsernameParams,
  UserSchema,
} from "../../../protocol/api/resources.js";
import { LoginThrottle } from "../../app/login-throttle.js";
import { firstAdminTokenHash, type Master, retireAdminToken } from "../../app/master.js";
import { deactivated, requireUser } from "../../app/principal.js";
import { hashPassword, hashToken, newSecret, verifyPassword } from "../../app/tokens.js";
import type { UserRow } from "../../storage/store.js";

const errors = ErrorResponses;
const tags = ["users"];
const view = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  admin: u.admin,
  active: u.deactivatedAt === null,
});

export async function userRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { store, ctx } = master;
  const throttle = new LoginThrottle();

  /** A new token for `user`, lasting the master's token lifetime; none for a deactivated user. */
  const issue = async (user: UserRow) => {
    const token = newSecret();
    const expiresAt = ctx.tokenExpiry();
    if (!(await store.addUserToken(user.id, hashToken(token), expiresAt)))
      throw deactivated(user.username);
    return { token, user: view(user), expiresAt: expiresAt.toISOString() };
  };

  const requireAdmin = (principal: Parameters<typeof requireUser>[0], what: string) => {
    const me = requireUser(principal);
    if (!me.admin) throw new ApiError("FORBIDDEN", `only an admin ${what}`);
    return me;
  };

  /** An admin creates a user; the answer carries the new user's first token. */
  app.post(
    "/users",
    { schema: { tags, body: CreateUserBody, response: { 201: TokenResponse, ...errors } } },
    async (req, reply) => {
      requireAdmin(req.principal, "creates users");
      const exists = () =>
        new ApiError("USER_EXISTS", `user "${req.body.username}" exists already`);
      if (await store.getUserByName(req.body.username)) throw exists();
      const passwordHash = req.body.password ? await hashPassword(req.body.password) : null;
      const user = await store
        .createUser({ username: req.body.username, passwordHash, admin: req.body.admin ?? false })
        .catch(async (err: unknown) => {
          // Another request made the same name meanwhile (the hash takes a while): the same answer.
          if (await store.getUserByName(req.body.username)) throw exists();
          throw err;
        });
      return reply.status(201).send(await issue(user));
    },
  );

  /** A hash no password matches, made once, for logins with an unknown name. */
  let decoy: Promise<string> | null = null;
  const decoyHash = () => {
    decoy ??= hashPassword(newSecret());
    return decoy;
  };

  /**
   * Password login: a new token for the user. Failed logins are throttled per
   * user name and per client address (429 TOO_MANY_REQUESTS with
   * Retry-After). An admin's first password login retires the first admin
   * token (see `retireAdminToken`). A deactivated user is told so only after
   * the right password: anyone else hears what a wrong password hears, so the
   * answer tells a stranger nothing about the account.
   */
  app.post(
    "/auth/login",
    {
      config: { public: true },
      schema: { tags, body: LoginBody, response: { 200: TokenResponse, ...errors } },
    },
    async (req) => {
      const { username, password } = req.body;
      const wait = throttle.attempt(username, req.ip, ctx.now().getTime());
      if (wait > 0)
        throw new ApiError("TOO_MANY_REQUESTS", `too many failed logins; try again in ${wait} s`, {
          retryAfterSeconds: wait,
        });
      const user = await store.getUserByName(username);
      // An unknown name costs the same scrypt as a known one: the answer's time tells nothing.
      const stored = user?.passwordHash ?? (await decoyHash());
      const ok = (await verifyPassword(password, stored)) && !!user?.passwordHash;
      if (!user || !ok) throw new ApiError("UNAUTHENTICATED", "wrong user name or password");
      if (user.deactivatedAt) throw deactivated(user.username);
      throttle.succeeded(username, req.ip);
      const answer = await issue(user);
      if (user.admin && ctx.options.adminTokenFile)
        await retireAdminToken(store, ctx.options.adminTokenFile);
      return answer;
    },
  );

  /** Refuses to revoke the first admin token: an admin's password login retires it (see firstAdminTokenHash). */
  const keepFirstAdminToken = async (holds: (hash: string) => Promise<boolean>, who: string) => {
    const file = ctx.options.adminTokenFile;
    const first = await firstAdminTokenHash(file);
    if (first !== null && (await holds(first)))
      throw new ApiError(
        "INVALID_TRANSITION",
        `${who} the master's first admin token (in ${file}): it is revoked when an admin logs in with a password`,
      );
  };

  /** Revokes the token this call is made with. */
  app.post(
    "/auth/logout",
    {
      schema: {
        tags,
        body: Type.Optional(Type.Object({})),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      requireUser(req.principal);
      const { principal } = req;
      if (principal.kind !== "user") return reply.status(204).send(null);
      await keepFirstAdminToken(async (first) => first === principal.tokenHash, "this is");
      await store.revokeUserToken(principal.tokenHash);
      return reply.status(204).send(null);
    },
  );

  const noUser = (username: string) => new ApiError("USER_NOT_FOUND", `no user "${username}"`);
  /** A user by the name in the path, or USER_NOT_FOUND. */
  const namedUser = async (username: string) => {
    const user = await store.getUserByName(username);
    if (!user) throw noUser(username);
    return user;
  };

  /** Refuses to take away the first admin token with all of `user`'s tokens. */
  const keepFirstAdminTokenOf = (user: UserRow) =>
    keepFirstAdminToken(
      async (first) => (await store.findUserToken(first))?.user.id === user.id,
      `user ${user.username} holds`,
    );

  /** An admin revokes every token of a user (the user logs in again for a new one). */
  app.post(
    "/users/:username/revoke_tokens",
    {
      schema: {
        tags,
        params: UsernameParams,
        body: Type.Optional(Type.Object({})),
        response: { 200: RevokeResponse, ...errors },
      },
    },
    async (req) => {
      requireAdmin(req.principal, "revokes a user's tokens");
      const user = await namedUser(req.params.username);
      await keepFirstAdminTokenOf(user);
      return { revoked: await store.revokeUserTokens(user.id) };
    },
  );

  /**
   * An admin deactivates a user: every token of theirs is refused at once
   * (USER_DEACTIVATED) and revoked, their logins are refused, and no token
   * is issued for them; their experiments and trials go on (trials push with
   * their allocations' tokens) and admins still manage them. Activating lets
   * them log in again; their old tokens stay revoked. Both are idempotent.
   * An admin cannot deactivate themselves, nor the last active admin.
   */
  for (const [action, active] of [
    ["deactivate", false],
    ["activate", true],
  ] as const)
    app.post(
      `/users/:username/${action}`,
      {
        schema: {
          tags,
          params: UsernameParams,
          body: Type.Optional(Type.Object({})),
          response: { 200: UserActivationResponse, ...errors },
        },
      },
      async (req) => {
        const me = requireAdmin(req.principal, `${action}s users`);
        const user = await namedUser(req.params.username);
        if (!active && user.id === me.id)
          throw new ApiError("BAD_REQUEST", "an admin cannot deactivate themselves: ask another");
        if (!active) await keepFirstAdminTokenOf(user);
        const done = await store.setUserActive(user.id, active);
        if (done.outcome === "last-active-admin")
          throw new ApiError(
            "INVALID_TRANSITION",
            `${user.username} is the last active admin: make another admin first`,
          );
        if (done.outcome === "no-user") throw noUser(user.username);
        return { user: view(done.user), changed: done.changed };
      },
    );

  /** Every user, oldest first, with whether they are an admin and active: any user may see who is there. */
  app.get("/users", { schema: { tags, response: { 200: UserList, ...errors } } }, async (req) => {
    requireUser(req.principal);
    return { users: (await store.listUsers()).map(view) };
  });

  app.get("/me", { schema: { tags, response: { 200: UserSchema, ...errors } } }, async (req) =>
    view(requireUser(req.principal)),
  );
}
