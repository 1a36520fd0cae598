/**
 * Compact shapes for charts of whole experiments: columns instead of one
 * object per point, so thousands of trials' curves travel in a few pages.
 */
import { type Static, Type } from "typebox";
import { Cursor } from "./common.js";

export const ValidationColumnsQuery = Type.Object({
  after: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
});
export type ValidationColumnsQuery = Static<typeof ValidationColumnsQuery>;

/**
 * Visible validation rows of every trial of an experiment, in row-id order,
 * reduced to the searcher metric: point i is `(trialIds[i], steps[i],
 * values[i])`, reported at `times[i]` (milliseconds since the epoch), at most
 * `limit` points (default 100,000). Rows without the searcher metric are left
 * out. Pass `next` as `after` to get only newer
 * rows; `more` is true when there are more right now, so the next page can be
 * asked for at once.
 */
export const ValidationColumns = Type.Object({
  metric: Type.String(),
  trialIds: Type.Array(Type.Integer()),
  steps: Type.Array(Type.Integer()),
  values: Type.Array(Type.Number()),
  times: Type.Array(Type.Integer()),
  next: Type.Integer(),
  more: Type.Boolean(),
});
export type ValidationColumns = Static<typeof ValidationColumns>;

/**
 * One rung of a successive-halving search: the trials that completed an op of
 * this length, and those of them that were sent on to a longer one. Lengths
 * are absolute, in the config's unit; brackets sharing a length share a rung.
 */
export const AshaRung = Type.Object({
  length: Type.Number(),
  reached: Type.Array(Type.Integer()),
  promoted: Type.Array(Type.Integer()),
});
export type AshaRung = Static<typeof AshaRung>;

export const AshaRungs = Type.Object({ rungs: Type.Array(AshaRung) });
export type AshaRungs = Static<typeof AshaRungs>;
