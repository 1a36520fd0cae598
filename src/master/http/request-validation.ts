/**
 * How every request is checked against its TypeBox schema, in one place:
 *
 * - Bodies are validated strictly (no type coercion: "5" is not 5).
 * - Path and query strings arrive as text and are converted first, but only
 *   from their plain decimal spelling: an integer is `0` or digits without a
 *   leading zero (so `/trials/1.5`, `/trials/0x10` and `/trials/010` are 400,
 *   not trials 1, 16 and 10), a number is a decimal with an optional exponent,
 *   a boolean is `true` or `false`. Anything else stays text and fails the check.
 * - A `date-time` is one a JavaScript `Date` can hold: RFC 3339 also allows a
 *   leap second ("23:59:60") and RFC 9557 a bracketed suffix ("[Europe/Paris]"),
 *   which `new Date()` reads as an invalid Date that no store can keep.
 * - In a union of objects told apart by their `type`, only the branch the
 *   value's type names is reported (union-branch-issues.ts).
 * - Before the schema, what no schema keyword can say (json-value-issues.ts):
 *   no string anywhere (values or keys) holds a NUL character, and no JSON
 *   value nests deeper than `MAX_JSON_DEPTH`.
 */
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";
import { Format, IsDateTime } from "typebox/format";
import { jsonValueIssues, MAX_JSON_DEPTH } from "../../protocol/json-value-issues.js";
import { branchIssues, type SchemaIssue } from "./union-branch-issues.js";

// Registered before any route compiles its checker: compiled checks take the format's function as it is then.
Format.Set("date-time", (value) => IsDateTime(value) && !Number.isNaN(Date.parse(value)));

/** Deepest nesting of arrays and objects any request may carry (a body's top level is depth 1). */
export { MAX_JSON_DEPTH };

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;
const NUMBER_TEXT = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

interface Issue {
  instancePath: string;
  message: string;
}

/** Converts one text value by the JSON type its schema names; text it cannot read stays text. */
function fromText(schema: TSchema | undefined, text: unknown): unknown {
  if (typeof text !== "string" || !schema) return text;
  const type = (schema as { type?: unknown }).type;
  if (type === "integer" && INTEGER_TEXT.test(text)) return Number(text);
  if (type === "number" && NUMBER_TEXT.test(text)) return Number(text);
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** Path parameters and query strings: an object of text values, converted property by property. */
function convertText(schema: TSchema, data: unknown): unknown {
  if (typeof data !== "object" || data === null) return data;
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    out[key] = Object.hasOwn(properties, key) ? fromText(properties[key], value) : value;
  }
  return out;
}

const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`;

/** The first NUL character or too-deep nesting in a JSON value, or null. */
function jsonValueIssue(value: unknown): Issue | null {
  const first = jsonValueIssues(value, { child: pointer, maxDepth: MAX_JSON_DEPTH }).next();
  return first.done ? null : { instancePath: first.value.path, message: first.value.message };
}

/** TypeBox's message, or a plainer one where its own would leave a user guessing. */
function explained(e: SchemaIssue): string {
  const format = (e.params as { format?: unknown } | null)?.format;
  if (e.keyword === "format" && format === "date-time")
    return 'must be a date-time such as "2024-05-01T12:00:00.000Z" (RFC 3339, without a leap second or a [bracketed] suffix)';
  // TypeBox's "schema is false": a property the object does not have.
  if (e.keyword === "boolean" && e.schemaPath.endsWith("/additionalProperties"))
    return "is not a property of this object";
  return e.message;
}

function validationError(issues: Issue[], httpPart: string | undefined): Error {
  return Object.assign(
    new Error(issues.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")),
    { validation: issues, validationContext: httpPart },
  );
}

/** fastify's validator compiler: one compiled TypeBox checker per route part. */
export function compileValidator({ schema, httpPart }: { schema: TSchema; httpPart?: string }) {
  const check = Compile(schema);
  const fromUrl = httpPart !== "body";
  return (data: unknown) => {
    // The walk comes first: the schema check recurses, and a value that is too deep is refused anyway.
    const early = jsonValueIssue(data);
    if (early) return { error: validationError([early], httpPart) };
    const value = fromUrl ? convertText(schema, data) : data;
    if (!check.Check(value)) {
      const issues = branchIssues(schema, value, [...check.Errors(value)])
        .slice(0, 10)
        .map((e) => ({ ...e, message: explained(e) }));
      return { error: validationError(issues, httpPart) };
    }
    return { value };
  };
}
