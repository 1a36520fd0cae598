/**
 * Where a duplicate key stands. The YAML package reports one as "Map keys
 * must be unique" at an offset, which names neither the key nor the mapping;
 * a user fixing a config needs both.
 */
import { type Document, isCollection, isMap, isNode, isScalar } from "yaml";
import { childPath, describeValue, indexPath } from "./errors.js";

/**
 * The path of the key written at `offset` (`searcher.name`), or null when no
 * key starts there. Walks the document as written (aliases are not
 * followed), iteratively, so its nesting cannot exhaust the stack.
 */
export function keyPathAt(doc: Document, offset: number): string | null {
  const stack: { node: unknown; path: string }[] = [{ node: doc.contents, path: "" }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (!isCollection(node)) continue;
    if (isMap(node)) {
      for (const pair of node.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : describeValue(pair.key);
        const keyPath = childPath(path, name);
        if (isNode(pair.key) && pair.key.range?.[0] === offset) return keyPath;
        stack.push({ node: pair.value, path: keyPath });
      }
    } else {
      node.items.forEach((item, i) => {
        stack.push({ node: item, path: indexPath(path, i) });
      });
    }
  }
  return null;
}
