// Long static statements live in `.sql` files beside their repository (decision 0007), readable
// and diffable on their own, as martin keeps its discovery SQL. A file holds one statement, or
// several each headed by a `-- name: camelCaseName` line. Files are read once, when the
// repository module is loaded; parameters stay `$1, $2, …` as in any other statement.
import { readFileSync } from 'node:fs';

/** The whole file as one statement. */
export function sqlFile(url: URL): string {
  return readFileSync(url, 'utf8').trim();
}

/** The named statements of a file (`-- name: x` headers); throws on a file with none. */
export function sqlStatements<const N extends string>(url: URL, names: readonly N[]): Record<N, string> {
  const text = readFileSync(url, 'utf8');
  const out: Record<string, string> = {};
  let name: string | null = null;
  let body: string[] = [];
  const flush = () => {
    if (name) out[name] = body.join('\n').trim();
  };
  for (const line of text.split('\n')) {
    const m = /^--\s*name:\s*(\w+)\s*$/.exec(line);
    if (m) {
      flush();
      name = m[1];
      body = [];
    } else body.push(line);
  }
  flush();
  const missing = names.filter((n) => !out[n]);
  if (missing.length) throw new Error(`${url.pathname}: no statement named ${missing.join(', ')}`);
  return out as Record<N, string>;
}
