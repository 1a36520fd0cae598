/**
 * What a YAML document may not hold even though the `yaml` package reads it,
 * found before it is turned into plain data:
 *
 * - nesting past the limit, aliases followed (an alias repeats what it names
 *   where it stands, so a chain of them nests deeper than the text does, and
 *   turning the document into data recurses once per level);
 * - a key that is a mapping or a list (`? [a, b]: 1`): plain data has only
 *   text keys, and the package would make one up from it (`"[ a, b ]"`);
 * - a tag the YAML 1.2 core schema does not define (`!foo`, `!!binary`): the
 *   package reads the value as if it had none.
 *
 * Iterative, with each collection walked again only when reached deeper than
 * before, so a document cannot exhaust the stack or make the walk unbounded.
 */
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type YAMLError,
} from "yaml";
import { type ConfigError, childPath, describeValue, indexPath } from "./errors.js";

/** How the package spells `!!x` in its messages. */
const YAML_TAG_PREFIX = "tag:yaml.org,2002:";
/** The tags of the YAML 1.2 core schema, as a user may write them. */
const CORE_TAGS = "!!str, !!int, !!float, !!bool, !!null, !!map, !!seq";

interface Frame {
  node: unknown;
  path: string;
  /** Nesting of the collection holding `node` (0 at the top). */
  outer: number;
  /** The value of a merge key (`<<: *base`), or a list in one: read into the mapping holding it. */
  merged?: boolean;
}

/** `<<` as `merge: true` reads it: a plain scalar the package resolves to a symbol. */
const isMergeKey = (key: unknown) =>
  isScalar(key) && typeof key.value === "symbol" && key.value.description === "<<";

/**
 * What each alias names: the last node before it with its anchor, as the
 * package reads it. One pass in document order; the package's own
 * `Alias.resolve` walks the whole document for every alias.
 */
function aliasTargets(doc: Document): Map<unknown, unknown> {
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      if (anchors.has(node.source)) targets.set(node, anchors.get(node.source));
    } else if (isPair(node)) {
      stack.push(node.value, node.key);
    } else if (isNode(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
      if (isCollection(node)) {
        for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
      }
    }
  }
  return targets;
}

/** Every problem in `doc`: unknown tags, then the rest in document order; at most one about nesting. */
export function yamlDocumentIssues(
  doc: Document,
  lines: LineCounter,
  what: string,
  maxDepth: number,
): ConfigError[] {
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const issues = doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED").map(unknownTag(at));
  const targets = aliasTargets(doc);
  const resolve = (node: unknown) => (isAlias(node) ? targets.get(node) : node);
  const deepest = new Map<object, number>();
  const stack: Frame[] = [{ node: doc.contents, path: "", outer: 0 }];
  while (stack.length > 0) {
    const { node: written, path, outer, merged } = stack.pop()!;
    const node = resolve(written);
    if (!isCollection(node)) continue;
    if (merged && isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--)
        stack.push({ node: node.items[i], path: indexPath(path, i), outer, merged });
      continue;
    }
    const depth = outer + 1;
    if (depth > maxDepth) {
      const offset = (written as Node).range?.[0] ?? 0;
      issues.push({
        path,
        message: `${what} nests mappings and lists deeper than ${maxDepth} levels here (${at(offset)}); at most ${maxDepth} are allowed`,
      });
      break;
    }
    const before = deepest.get(node);
    if (before !== undefined && before >= depth) continue;
    deepest.set(node, depth);
    const members: Frame[] = [];
    if (isSeq(node)) {
      node.items.forEach((item, i) => {
        members.push({ node: item, path: indexPath(path, i), outer: depth });
      });
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const key = resolve(pair.key);
        // `~: 1`, `null: 1` or `: 1`: YAML reads the key as null, which no field is named.
        const nullKey = key === null || (isScalar(key) && key.value === null);
        if ((isCollection(key) || nullKey) && before === undefined) {
          const offset =
            (pair.key as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
          const got = nullKey ? "null" : isMap(key) ? "a mapping" : "a list";
          issues.push({
            path,
            message: `a key must be text, a number or a boolean, got ${got} (${at(offset)})`,
          });
        }
        if (isMergeKey(key)) {
          // A merge key's mappings are read into the one holding it, at its level.
          members.push({ node: pair.value, path: childPath(path, "<<"), outer, merged: true });
          continue;
        }
        const name = isScalar(key) ? String(key.value) : describeValue(key);
        members.push({ node: pair.value, path: childPath(path, name), outer: depth });
      }
    }
    // Pushed last to first, so that the first is walked first.
    for (let i = members.length - 1; i >= 0; i--) stack.push(members[i]!);
  }
  return issues;
}

function unknownTag(at: (offset: number) => string) {
  return (w: YAMLError): ConfigError => {
    const full = w.message.replace(/^Unresolved tag: /, "").split("\n")[0]!;
    // As the user wrote it: `!!binary` comes back as `tag:yaml.org,2002:binary`.
    const tag = full.startsWith(YAML_TAG_PREFIX) ? `!!${full.slice(YAML_TAG_PREFIX.length)}` : full;
    // A core tag the value does not fit (`!!float 1`, `!!int x`) is not resolved either.
    const message = CORE_TAGS.split(", ").includes(tag)
      ? `the value tagged ${tag} (${at(w.pos[0])}) is not a ${tag.slice(2)}`
      : `unknown tag ${tag} (${at(w.pos[0])}); only the YAML 1.2 core tags (${CORE_TAGS}) are allowed`;
    return { path: "", message };
  };
}
