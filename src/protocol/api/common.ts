import { type Static, Type } from "typebox";

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: "ErrorBody" },
);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) });
export type IdParams = Static<typeof IdParams>;

export const AllocationParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type AllocationParams = Static<typeof AllocationParams>;

export const UuidParams = Type.Object({ uuid: Type.String({ minLength: 1, maxLength: 64 }) });
export type UuidParams = Static<typeof UuidParams>;

/** Cursor paging: rows with id > after, at most limit. `next` is the cursor for the following page. */
export const CursorQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});

/** A finite JSON number (JSON cannot carry NaN or Infinity; this also refuses huge-exponent strings). */
export const FiniteNumber = Type.Number({
  minimum: -1.7976931348623157e308,
  maximum: 1.7976931348623157e308,
});

export const Empty = Type.Object({});

/** The error answers a route may give, for its OpenAPI entry. */
export const ErrorResponses = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
};
