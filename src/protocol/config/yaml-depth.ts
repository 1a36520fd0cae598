/**
 * How deep YAML text nests, read from the parser's syntax tree before any
 * document is built: the `yaml` package builds documents and their values
 * recursively, so text nested thousands deep exhausts the stack there
 * ("Maximum call stack size exceeded"). The parser itself keeps its own stack,
 * and this walk does too.
 */
import { type CST, LineCounter, Parser } from "yaml";

export interface TooDeep {
  line: number;
  col: number;
}

/** Collections (mappings and lists) directly inside `token`, keys included. */
function children(token: CST.Token): CST.Token[] {
  switch (token.type) {
    case "document":
      return token.value ? [token.value] : [];
    case "block-map":
    case "block-seq":
    case "flow-collection": {
      const out: CST.Token[] = [];
      for (const item of token.items) {
        if ("key" in item && item.key) out.push(item.key);
        if (item.value) out.push(item.value);
      }
      return out;
    }
    default:
      return [];
  }
}

const isCollection = (token: CST.Token) =>
  token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection";

/**
 * Where `text` first nests mappings and lists more than `maxDepth` deep (a
 * document's top-level collection is depth 1), or null. Syntax errors are left
 * to the document's own parse.
 */
export function yamlTooDeep(text: string, maxDepth: number): TooDeep | null {
  const lines = new LineCounter();
  const stack: { token: CST.Token; depth: number }[] = [];
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  // Pushed last to first, so that the walk goes in document order.
  for (const token of tokens.reverse()) stack.push({ token, depth: 0 });
  while (stack.length > 0) {
    const { token, depth: outer } = stack.pop()!;
    const depth = isCollection(token) ? outer + 1 : outer;
    if (depth > maxDepth) return lines.linePos((token as { offset: number }).offset);
    for (const child of children(token).reverse()) stack.push({ token: child, depth });
  }
  return null;
}
