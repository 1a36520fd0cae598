/**
 * Values that fit a JSON schema (as the master's OpenAPI document gives
 * them), as fast-check arbitraries, biased towards the edges a store or a
 * handler may trip over: bounds, small ids that exist, empty strings.
 * `hints` name fields whose valid values must stay small (waits, configs).
 */
import fc from "fast-check";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  nullable?: boolean;
  maxProperties?: number;
}

/** Per field name: a valid value that keeps a request short (no long waits, small searches). */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

const anyJson = fc.jsonValue({ maxDepth: 3 });

function integerArb(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -(2 ** 31));
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 2 ** 31);
  const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
  const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
  const small = [1, 2, 3, 4, 0].filter((n) => n >= lo && n <= hi);
  return fc.oneof(
    { weight: 4, arbitrary: small.length > 0 ? fc.constantFrom(...small) : fc.constant(lo) },
    { weight: 1, arbitrary: fc.constantFrom(lo, hi) },
    {
      weight: 2,
      arbitrary: fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31) }),
    },
  );
}

function numberArb(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? -1e6;
  const max = s.maximum ?? 1e6;
  return fc.oneof(
    fc.constantFrom(min, max, 0, 1).filter((n) => n >= min && n <= max),
    fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
  );
}

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
  if (s.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 40, 40);
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: "binary" });
}

function objectArb(s: JsonSchema, hints: Hints): fc.Arbitrary<Record<string, unknown>> {
  const properties = s.properties ?? {};
  const keys = Object.keys(properties);
  if (keys.length === 0) {
    const values = s.patternProperties
      ? Object.values(s.patternProperties)[0]
      : typeof s.additionalProperties === "object"
        ? s.additionalProperties
        : undefined;
    if (!values) return fc.constant({});
    return fc
      .dictionary(fc.string({ minLength: 1, maxLength: 12 }), schemaArbitrary(values, hints), {
        maxKeys: Math.min(s.maxProperties ?? 4, 4),
      })
      .map((d) => ({ ...d }));
  }
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) record[key] = hints[key] ?? schemaArbitrary(properties[key]!, hints);
  return fc.record(record, { requiredKeys: s.required ?? [] });
}

/** A value valid for `schema` (as far as these keywords go). */
export function schemaArbitrary(schema: JsonSchema, hints: Hints = {}): fc.Arbitrary<unknown> {
  const s = schema;
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...union.map((u) => schemaArbitrary(u, hints)));
  if (s.allOf) return schemaArbitrary(Object.assign({}, ...s.allOf), hints);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  const base: fc.Arbitrary<unknown> = (() => {
    switch (type) {
      case "integer":
        return integerArb(s);
      case "number":
        return numberArb(s);
      case "string":
        return stringArb(s);
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return fc.array(schemaArbitrary(s.items ?? {}, hints), {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 4, 4),
        });
      case "object":
        return objectArb(s, hints);
      default:
        return anyJson;
    }
  })();
  return s.nullable ? fc.option(base, { nil: null }) : base;
}
