// The code's own conventions (decision 0007), checked on the tree rather than remembered:
//  - SQL lives only in `*.repository.ts` files and `.sql` files;
//  - only the HTTP edge (src/server/, `*.routes.ts`, `*.handlers.ts`) imports from src/server/;
//  - reported areas are onemap_area / onemap_planar_area (decision 0011);
//  - the web app declares no API types of its own: the `*-api.ts` files take them from the
//    generated client (web/src/api/), which test/client.test.ts keeps in step with the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

function files(dir: string, match: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const n of readdirSync(join(ROOT, dir))) {
    const p = join(dir, n);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...files(p, match));
    else if (match(n)) out.push(p);
  }
  return out;
}

/** Code lines only: comments and JSDoc out. */
function codeLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let inBlock = false;
  text.split('\n').forEach((l, i) => {
    let s = l;
    if (inBlock) {
      const end = s.indexOf('*/');
      if (end < 0) return;
      s = s.slice(end + 2);
      inBlock = false;
    }
    s = s.replace(/\/\*.*?\*\//g, '');
    const open = s.indexOf('/*');
    if (open >= 0) {
      inBlock = true;
      s = s.slice(0, open);
    }
    if (/^\s*\/\//.test(s)) return;
    out.push({ line: i + 1, text: s });
  });
  return out;
}

// Statements as they start, in the upper case the code writes SQL in.
const SQL =
  /\b(SELECT\s+(DISTINCT\s+|count|coalesce|\*|[a-z_]+[.(,\s])|INSERT\s+INTO|UPDATE\s+[\w."]+\s+SET|DELETE\s+FROM|CREATE\s+(OR\s+REPLACE\s+|UNIQUE\s+|TEMP(ORARY)?\s+|UNLOGGED\s+)*(TABLE|INDEX|SCHEMA|EXTENSION|FUNCTION|VIEW|TRIGGER|ROLE|SEQUENCE)\b|ALTER\s+(TABLE|ROLE|SCHEMA|SEQUENCE)\b|DROP\s+(TABLE|SCHEMA|INDEX|VIEW|FUNCTION|TRIGGER)\b|TRUNCATE\s+\w|ANALYZE\s+\w|VACUUM\b|LOCK\s+TABLE|SET\s+(LOCAL\s+)?search_path|WITH\s+(RECURSIVE\s+)?\w+\s+AS\s*\(|ON\s+CONFLICT)/;

test('SQL only in *.repository.ts and .sql files', () => {
  const offenders: string[] = [];
  for (const f of files('src', (n) => n.endsWith('.ts') && !n.endsWith('.repository.ts'))) {
    for (const { line, text } of codeLines(readFileSync(join(ROOT, f), 'utf8'))) {
      if (SQL.test(text)) offenders.push(`${f}:${line}: ${text.trim().slice(0, 100)}`);
    }
  }
  assert.deepEqual(offenders, [], `SQL outside repositories:\n${offenders.join('\n')}`);
});

test('only the HTTP edge imports the server module', () => {
  const edge = (f: string) => f.startsWith('src/server/') || /\.(routes|handlers|http)\.ts$/.test(f);
  const offenders = files('src', (n) => n.endsWith('.ts'))
    .filter((f) => !edge(f))
    .filter((f) => /from\s+['"](\.\.\/)+server\/|from\s+['"]\.\/server\//.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(offenders, [], `domain modules importing src/server/: ${offenders.join(', ')}`);
});

test('the web app writes no API types by hand', () => {
  const offenders: string[] = [];
  for (const f of files('web/src', (n) => /-api\.ts$/.test(n))) {
    for (const { line, text } of codeLines(readFileSync(join(ROOT, f), 'utf8'))) {
      if (/^\s*(export\s+)?interface\s/.test(text) || /^\s*(export\s+)?type\s+\w+(<[^>]*>)?\s*=\s*\{/.test(text))
        offenders.push(`${relative(ROOT, join(ROOT, f))}:${line}: ${text.trim()}`);
    }
  }
  assert.deepEqual(offenders, [], `hand-written API types (take them from web/src/api/):\n${offenders.join('\n')}`);
});

test('reported areas use onemap_area / onemap_planar_area (decision 0011)', () => {
  // ST_Area(geography) takes edges as geodesics and ST_Area(ST_Transform(…)) as straight in the zone:
  // both change when a cut adds a vertex, so a geometry's pieces would not add up to its whole.
  const offenders: string[] = [];
  for (const f of files('src', (n) => n.endsWith('.ts'))) {
    for (const { line, text } of codeLines(readFileSync(join(ROOT, f), 'utf8'))) {
      if (/ST_Area\([^;]*::geography\)|ST_Area\(\s*ST_Transform\(/.test(text)) offenders.push(`${f}:${line}: ${text.trim().slice(0, 100)}`);
    }
  }
  assert.deepEqual(offenders, [], `areas measured another way:\n${offenders.join('\n')}`);
});
