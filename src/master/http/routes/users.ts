/** Users and their tokens. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { ErrorResponses } from "../../../protocol/api/common.js";
import { ApiError } from "../../../protocol/api/errors.js";
import {
  CreateUserBody,
  LoginBody,
  TokenResponse,
  UserSchema,
} from "../../../protocol/api/resources.js";
import type { Master } from "../../app/master.js";
import { requireUser } from "../../app/principal.js";
import { hashPassword, hashToken, newSecret, verifyPassword } from "../../app/tokens.js";
import type { UserRow } from "../../storage/store.js";

const errors = ErrorResponses;
const tags = ["users"];
const view = (u: UserRow) => ({ id: u.id, username: u.username, admin: u.admin });

export async function userRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = master;

  const issue = async (user: UserRow) => {
    const token = newSecret();
    await store.addUserToken(user.id, hashToken(token));
    return { token, user: view(user) };
  };

  /** An admin creates a user; the answer carries the new user's first token. */
  app.post(
    "/users",
    { schema: { tags, body: CreateUserBody, response: { 201: TokenResponse, ...errors } } },
    async (req, reply) => {
      const me = requireUser(req.principal);
      if (!me.admin) throw new ApiError("FORBIDDEN", "only an admin creates users");
      if (await store.getUserByName(req.body.username)) {
        throw new ApiError("USER_EXISTS", `user "${req.body.username}" exists already`);
      }
      const user = await store.createUser({
        username: req.body.username,
        passwordHash: req.body.password ? await hashPassword(req.body.password) : null,
        admin: req.body.admin ?? false,
      });
      return reply.status(201).send(await issue(user));
    },
  );

  /** Password login: a new token for the user. */
  app.post(
    "/auth/login",
    {
      config: { public: true },
      schema: { tags, body: LoginBody, response: { 200: TokenResponse, ...errors } },
    },
    async (req) => {
      const user = await store.getUserByName(req.body.username);
      const ok = user?.passwordHash
        ? await verifyPassword(req.body.password, user.passwordHash)
        : false;
      if (!user || !ok) throw new ApiError("UNAUTHENTICATED", "wrong user name or password");
      return issue(user);
    },
  );

  app.get("/me", { schema: { tags, response: { 200: UserSchema, ...errors } } }, async (req) =>
    view(requireUser(req.principal)),
  );
}
