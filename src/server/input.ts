// Input the schemas cannot see (issue 22 item 9): a malformed parameter is the sender's error and
// gets a 400 naming it, never a 500 from deep inside the database.
// - NUL characters: PostgreSQL text cannot hold U+0000 ("invalid byte sequence"), so a %00 in the
//   address or a \u0000 in a JSON string is refused at the door.
// - Nesting: a JSON body nested deeper than any boundary or feature needs (GeoJSON geometry
//   collections go a few levels) is refused before validation walks it recursively.
// - Numbers: Ajv coerces "1e999" to Infinity and accepts it as an integer; a count, page or
//   version must be a finite integer PostgreSQL can hold.
// - Backstop: a data exception PostgreSQL raises on a value (SQLSTATE class 22: out of range,
//   invalid text, untranslatable character) is a 400 too (server/errors.ts).
import type { FastifyInstance } from 'fastify';
import { Invalid } from '../errors.ts';

/** Deepest nesting a JSON body may have (a GeoJSON FeatureCollection of MultiPolygons is 6). */
export const MAX_JSON_DEPTH = 32;

type Finding = { path: string; what: 'nul' | 'depth' | 'number' };

/** Walks a parsed value without recursion (a hostile body must not overflow our own stack). */
function inspect(root: unknown, rootPath: string, numbers: boolean): Finding | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: root, path: rootPath, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { path, what: 'nul' };
    } else if (typeof v === 'number') {
      if (numbers && (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v)))) return { path, what: 'number' };
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) return { path, what: 'depth' };
      if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 }));
      else
        for (const [k, x] of Object.entries(v)) {
          if (k.includes('\u0000')) return { path: `${path}.${k.split('\u0000').join('\\0')}`, what: 'nul' };
          stack.push({ v: x, path: `${path}.${k}`, depth: depth + 1 });
        }
    }
  }
  return null;
}

function refuse(f: Finding): never {
  const name = f.path.replace(/^(query|params|body)\.?/, '') || f.path;
  if (f.what === 'nul')
    throw new Invalid(`参数 ${name} 含有空字符（U+0000），无法保存或查询 (the parameter ${name} contains a NUL character)`, {
      code: 'nul_character',
    });
  if (f.what === 'depth')
    throw new Invalid(`请求体嵌套超过 ${MAX_JSON_DEPTH} 层（在 ${name}） (the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels)`, {
      code: 'too_deep',
    });
  throw new Invalid(`参数 ${name} 的数值超出可处理的范围 (the number in ${name} is out of range)`, { code: 'out_of_range' });
}

export function installInputChecks(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    if (/%00/i.test(req.url) || req.url.includes('\u0000')) {
      throw new Invalid('请求地址含有空字符（%00），无法处理 (the request address contains a NUL character)', { code: 'nul_character' });
    }
  });
  // Before validation: raw strings and nesting (validation itself recurses through the body).
  app.addHook('preValidation', async (req) => {
    const f = inspect(req.body, 'body', false);
    if (f) refuse(f);
  });
  // After validation: what coercion made of the numbers.
  app.addHook('preHandler', async (req) => {
    const f = inspect(req.query, 'query', true) ?? inspect(req.params, 'params', true);
    if (f) refuse(f);
  });
}
