/** The custom searcher's API: a user's search process reads events and posts operations. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { ErrorResponses, IdParams } from "../../../protocol/api/common.js";
import {
  PostOperationsBody,
  PostOperationsResponse,
  SearcherEventsQuery,
  SearcherEventsResponse,
} from "../../../protocol/api/custom-searcher.js";
import type { Master } from "../../app/master.js";
import { clientGone } from "../server.js";

const errors = ErrorResponses;
const tags = ["searcher"];

export async function customSearcherRoutes(base: FastifyInstance, master: Master): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    "/experiments/:id/searcher/events",
    {
      schema: {
        tags,
        summary:
          "The experiment's searcher events after `after`; waits up to `waitSeconds` for one",
        params: IdParams,
        querystring: SearcherEventsQuery,
        response: { 200: SearcherEventsResponse, ...errors },
      },
    },
    async (req, reply) =>
      master.customSearcher.events(req.principal, req.params.id, req.query, clientGone(reply)),
  );

  app.post(
    "/experiments/:id/searcher/operations",
    {
      schema: {
        tags,
        summary: "A custom search process's operations, in answer to the event `lastEventId`",
        params: IdParams,
        body: PostOperationsBody,
        response: { 200: PostOperationsResponse, ...errors },
      },
    },
    async (req) => master.customSearcher.postOperations(req.principal, req.params.id, req.body),
  );
}
