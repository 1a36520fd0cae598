import { type Static, Type } from "typebox";

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
      /** The id the master logged this request under (also the `x-request-id` header). */
      requestId: Type.Optional(Type.String()),
    }),
  },
  { $id: "ErrorBody" },
);

/**
 * Integer bounds are what both stores hold: bigint columns are read back as
 * JavaScript numbers, exact only up to 2^53 - 1 (open-store.ts refuses
 * anything larger), and PostgreSQL `integer` columns (run ids, ids as
 * the API takes them) hold up to 2^31 - 1. A value past them is a 400, never a
 * database error.
 */
export const MAX_STORED_INTEGER = Number.MAX_SAFE_INTEGER;
export const MAX_ID = 2 ** 31 - 1;

/** A count, length or size the master stores: 0 (or `minimum`) up to 2^53 - 1. */
export const StoredInteger = (minimum = 0) =>
  Type.Integer({ minimum, maximum: MAX_STORED_INTEGER });

/** An experiment, trial or user id, or a run number: a positive integer up to 2^31 - 1. */
export const RowId = Type.Integer({ minimum: 1, maximum: MAX_ID });

/** A paging cursor: the id of the last row seen (0 = from the start). */
export const Cursor = StoredInteger(0);

/** In a path, a decimal spelling only: `/trials/1.5` and `/trials/0x10` are 400. */
export const IdParams = Type.Object({ id: RowId });
export type IdParams = Static<typeof IdParams>;

export const AllocationParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type AllocationParams = Static<typeof AllocationParams>;

export const UuidParams = Type.Object({ uuid: Type.String({ minLength: 1, maxLength: 64 }) });
export type UuidParams = Static<typeof UuidParams>;

/** A checkpoint's file: `*` is its path relative to the checkpoint. */
export const CheckpointFileParams = Type.Object({
  uuid: UuidParams.properties.uuid,
  "*": Type.String({ minLength: 1, maxLength: 4096 }),
});

/** Cursor paging: rows with id > after, at most limit. `next` is the cursor for the following page. */
export const CursorQuery = Type.Object({
  after: Type.Optional(Cursor),
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
