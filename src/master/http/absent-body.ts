/**
 * A POST whose body schema is optional (`Type.Optional(…)`: pause, activate,
 * cancel, kill, logout, a trial's acknowledgement of its preemption, …) may
 * come with no body at all, as `curl -X POST …/pause` sends it: the route
 * reads it as `{}`. Fastify would validate the missing body against the
 * schema and answer 400 "body: must be object". Routes whose body is
 * required are left alone, and so is a body that is there.
 *
 * No bytes under `content-type: application/json` (a client that sets that
 * header on every request) is no body too, where fastify's JSON parser would
 * refuse it as an empty JSON document.
 */
import type { FastifyInstance, preValidationHookHandler, RouteOptions } from "fastify";
import { IsOptional } from "typebox";

const emptyWhenAbsent: preValidationHookHandler = (request, _reply, done) => {
  if (request.body === undefined) request.body = {};
  done();
};

/** An `onRoute` hook: routes with an optional body read an absent one as `{}`. */
export function acceptAbsentBody(route: RouteOptions): void {
  const body = route.schema?.body;
  if (body === undefined || !IsOptional(body)) return;
  const own = route.preValidation;
  route.preValidation = own === undefined ? [emptyWhenAbsent] : [emptyWhenAbsent, ...[own].flat()];
}

/** JSON bodies are parsed as fastify parses them, but zero bytes are no body at all. */
export function readEmptyJsonAsAbsent(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    // parseAs "string": the body is text, never a Buffer.
    if (body.length === 0) done(null, undefined);
    else parse(request, String(body), done);
  });
}
