import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { GovernanceProblem, Locate, PathSegment } from './governance-problem';

export type YamlSource = { value: unknown; syntaxErrors: GovernanceProblem[]; locate: Locate };

/** Parses YAML 1.2 (so `10:00` stays text) and keeps the node positions to report lines by path. */
export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const syntaxErrors = document.errors.map((error) => ({
    path: '',
    line: lineAt(error.pos[0]),
    message: `YAML syntax: ${error.message.split('\n')[0]}`,
  }));
  const locate: Locate = (path) => lineAt(offsetOf(document, path));
  return { value: syntaxErrors.length > 0 ? undefined : document.toJS(), syntaxErrors, locate };
}

/** The start of the node at `path`, of the key for a mapping entry, or of the closest parent found. */
function offsetOf(document: Document, path: readonly PathSegment[]): number {
  let node = resolve(document, document.contents);
  let offset = node?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      offset = (isScalar(pair.key) && pair.key.range?.[0]) || offset;
      node = resolve(document, pair.value as Node | null);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = resolve(document, node.items[segment] as Node | undefined);
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function resolve(document: Document, node: Node | null | undefined): Node | undefined {
  if (isAlias(node)) return node.resolve(document) ?? undefined;
  return node ?? undefined;
}
