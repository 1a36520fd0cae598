/**
 * A POST whose body schema is optional (`Type.Optional(…)`: pause, activate,
 * cancel, kill, logout, a trial's acknowledgement of its preemption, …) may
 * come with no body at all, as `curl -X POST …/pause` sends it: the route
 * reads it as `{}`. Fastify would validate the missing body against the
 * schema and answer 400 "body: must be object". Routes whose body is
 * required are left alone, and so is a body that is there.
 */
import type { preValidationHookHandler, RouteOptions } from "fastify";
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
