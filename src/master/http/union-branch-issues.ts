/**
 * The issues of a value checked against a union of objects told apart by a
 * constant property (a custom searcher's operation and its `type`): TypeBox
 * reports why every branch failed; only the branch the value's constant
 * names says anything about it.
 */
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";

/** One of TypeBox's issues, as far as telling union branches apart needs. */
export interface SchemaIssue {
  instancePath: string;
  message: string;
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
export function branchIssues(
  schema: TSchema,
  value: unknown,
  issues: SchemaIssue[],
): SchemaIssue[] {
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
