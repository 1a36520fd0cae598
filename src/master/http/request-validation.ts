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
 * - Before the schema, what no schema keyword can say (json-value-issues.ts):
 *   no string anywhere (values or keys) holds a NUL character, and no JSON
 *   value nests deeper than `MAX_JSON_DEPTH`.
 */
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";
import { Format, IsDateTime } from "typebox/format";
import { jsonValueIssues, MAX_JSON_DEPTH } from "../../protocol/json-value-issues.js";

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

/** One of TypeBox's issues, as far as telling union branches apart needs. */
interface SchemaIssue extends Issue {
  keyword: string;
  schemaPath: string;
  params: unknown;
}

const unescapePointer = (segment: string) => segment.replaceAll("~1", "/").replaceAll("~0", "~");

/** What a JSON pointer (`#/a/0` or `/a/0`) names inside `root`, or undefined. */
function at(root: unknown, path: string): unknown {
  let node = root;
  for (const segment of path.replace(/^#/, "").split("/").slice(1)) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[unescapePointer(segment)];
  }
  return node;
}

/** The value a schema path applies to: the part of an issue's instancePath its keywords walked into. */
function instanceOf(schemaPath: string, instancePath: string): string {
  const keywords = schemaPath.replace(/^#/, "").split("/").slice(1);
  let depth = 0;
  for (let i = 0; i < keywords.length; i++) {
    const keyword = keywords[i];
    if (keyword === "properties" || keyword === "patternProperties") i++;
    else if (keyword === "anyOf" || keyword === "allOf" || keyword === "oneOf") {
      i++;
      continue;
    } else if (keyword !== "items" && keyword !== "additionalProperties") continue;
    depth++;
  }
  return instancePath
    .split("/")
    .slice(0, depth + 1)
    .join("/");
}

/** The property every branch of a union fixes with a `const` (an operation's `type`), with each branch's value. */
function unionTag(branches: unknown[]): { key: string; values: unknown[] } | null {
  if (branches.length === 0) return null;
  const constOf = (branch: unknown, key: string) =>
    (at(branch, `/properties/${key}`) as { const?: unknown } | undefined)?.const;
  const first = (at(branches[0], "/properties") ?? {}) as Record<string, unknown>;
  const key = Object.keys(first).find((k) => branches.every((b) => constOf(b, k) !== undefined));
  return key === undefined ? null : { key, values: branches.map((b) => constOf(b, key)) };
}

const within = (path: string, object: string) => path === object || path.startsWith(`${object}/`);

const branchCheckers = new WeakMap<object, ReturnType<typeof Compile>>();

/** The issues of one branch, checked on its own (TypeBox's own walk of a union may stop short of them). */
function branchErrors(
  branch: TSchema,
  value: unknown,
  object: string,
  path: string,
): SchemaIssue[] {
  let check = branchCheckers.get(branch);
  if (!check) {
    check = Compile(branch);
    branchCheckers.set(branch, check);
  }
  return [...check.Errors(value)].map((e) => ({
    ...e,
    instancePath: `${object}${e.instancePath}`,
    schemaPath: `${path}${e.schemaPath.replace(/^#/, "")}`,
  }));
}

/**
 * In a union of objects told apart by a constant property (an operation's
 * `type`), TypeBox reports why each branch failed: a `validateAfter` of
 * length 0 would read "must have required properties hparams; … must be >= 1;
 * … must be equal to constant". Only the branch whose constant the value has
 * says anything about it, so the union's issues become that branch's; when no
 * branch has the value's constant, one issue names the constants it may be.
 */
function branchIssues(schema: TSchema, value: unknown, issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  let kept = issues;
  for (const issue of issues) {
    const union = /^(.*?\/anyOf)\/\d+(\/|$)/.exec(issue.schemaPath)?.[1];
    if (union === undefined) continue;
    const object = instanceOf(union, issue.instancePath);
    if (seen.has(`${union} ${object}`)) continue;
    seen.add(`${union} ${object}`);
    const branches = at(schema, union);
    const tag = Array.isArray(branches) ? unionTag(branches) : null;
    if (!Array.isArray(branches) || !tag) continue;
    const target = at(value, object);
    const matching = tag.values.indexOf(at(target, `/${tag.key}`));
    const inUnion = (i: SchemaIssue) =>
      within(i.instancePath, object) &&
      (i.schemaPath.startsWith(`${union}/`) ||
        (i.keyword === "anyOf" && `${i.schemaPath}/anyOf` === union));
    const replacement: SchemaIssue[] =
      typeof target !== "object" || target === null || Array.isArray(target)
        ? [
            {
              keyword: "type",
              schemaPath: union,
              instancePath: object,
              params: { type: "object" },
              message: "must be object",
            },
          ]
        : matching >= 0
          ? branchErrors(branches[matching], target, object, `${union}/${matching}`)
          : [
              {
                keyword: "const",
                schemaPath: union,
                instancePath: `${object}/${tag.key}`,
                params: { allowedValues: tag.values },
                message: `must be one of ${tag.values.map((v) => JSON.stringify(v)).join(", ")}`,
              },
            ];
    const first = kept.findIndex(inUnion);
    const rest = kept.filter((i) => !inUnion(i));
    kept = [...rest.slice(0, first), ...replacement, ...rest.slice(first)];
  }
  return kept.length > 0 ? kept : issues;
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
        .map((e) => ({ ...e, instancePath: e.instancePath, message: explained(e) }));
      return { error: validationError(issues, httpPart) };
    }
    return { value };
  };
}
