/**
 * awsQuery request bodies (`Action=X&Version=Y&A.member.1.B=c`) into plain objects:
 * `member`/`entry` lists become arrays, everything else nests by the dotted path.
 */

type Node = { [key: string]: Node | string };

function listify(node: Node | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (
    keys.length === 1 &&
    (keys[0] === 'member' || keys[0] === 'entry') &&
    typeof node[keys[0]!] === 'object'
  ) {
    const items = node[keys[0]!] as Node;
    return Object.keys(items)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => listify(items[k]!));
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = listify(node[key]!);
  return out;
}

/** Parses a form-encoded awsQuery body; `Action` and `Version` stay as top-level fields. */
export function parseQueryParams(body: string): Record<string, unknown> {
  const root: Node = {};
  for (const [path, value] of new URLSearchParams(body)) {
    const parts = path.split('.');
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = value;
        return;
      }
      const next = node[part];
      if (typeof next !== 'object') node[part] = {};
      node = node[part] as Node;
    });
  }
  return listify(root) as Record<string, unknown>;
}
