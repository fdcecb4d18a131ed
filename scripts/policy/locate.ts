import { isNode, LineCounter, parseDocument } from 'yaml';

/**
 * Finds the line of a field (`rules[1].dbUser`, `targets.analytics`) in a policy's YAML text, for
 * problems and warnings a reviewer can jump to. Undefined where the YAML has no such node.
 */
export function lineLocator(text: string): (field: string) => number | undefined {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  return (field) => {
    const path = [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map(([, key, index]) =>
      index !== undefined ? Number(index) : (key ?? ''),
    );
    for (let length = path.length; length > 0; length -= 1) {
      const node = document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
}
