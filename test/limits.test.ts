// Limits and hostile input on every test database: oversized and malformed uploads and bodies,
// SQL-injection strings in every parameter, request timeouts that cancel the database query,
// the anonymous rate limit, and the one JSON error shape.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, fc } from './helpers/city.ts';
import { multipart } from './helpers/multipart.ts';
import { buildApp } from '../src/server/app.ts';
import type { Db } from '../src/db/index.ts';

const INJECTIONS = [
  `'; DROP TABLE layer; --`,
  `1 OR 1=1`,
  `' OR '1'='1`,
  `1; SELECT pg_sleep(5)`,
  `%27%20OR%201%3D1`,
  `\\'; DELETE FROM audit_log; --`,
  `$1`,
  `GHYD' UNION SELECT * FROM app_user --`,
];

/** Everything a hostile request might have touched. */
async function dbState(db: Db): Promise<string> {
  const r = await db.query<{ s: string }>(
    `SELECT (SELECT count(*) FROM app_user)::text || '/' || (SELECT count(*) FROM api_token)::text || '/' || (SELECT count(*) FROM review_case)::text || '/' ||
            (SELECT count(*) FROM review_ruleset)::text AS s`,
  );
  return `${await storeSnapshot(db)}|${r.rows[0].s}`;
}

const assertErrorShape = (body: string, status: number, what: string) => {
  const e = JSON.parse(body);
  assert.equal(e.statusCode, status, what);
  assert.equal(typeof e.code, 'string', what);
  assert.equal(typeof e.error, 'string', what);
  assert.ok(
    !/at \w+ \(|node_modules|syntax error at or near|relation "/.test(e.error),
    `${what}: no stack or SQL in the message: ${e.error}`,
  );
};

for (const tdb of testDatabases()) {
  describe(`limits and hostile input on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      // Small caps so the tests can exceed them: 64 KiB uploads, 32 KiB JSON, 5 anonymous requests a minute.
      app = await buildApp({
        db: h.db,
        config: {
          ...h.config,
          limits: { ...h.config.limits, uploadBytes: 64 * 1024, jsonBytes: 32 * 1024, anonymousPerMinute: 0, requestTimeoutMs: 800 },
        },
      });
      // A route of the test's own that waits inside the database, to see the deadline cancel it.
      app.get('/test/slow', { config: { access: 'staff' } }, async () => {
        await h.db.query(`SELECT pg_sleep(3) /* onemap-timeout-test */`);
        await h.db.query(`SELECT 1`);
        return { finished: true };
      });
      admin = await authHeaders(h.db, 'admin');
      // The default rule set is created on first read (by the system); do that before any snapshot.
      assert.equal((await app.inject({ url: '/api/review/rulesets', headers: admin })).statusCode, 200);
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('oversized uploads and bodies: 413 with the JSON error shape; nothing written', async () => {
      const before = await dbState(h.db);
      const big = fc(
        ...Array.from({ length: 2000 }, (_, i) =>
          sq(-4900 + (i % 40) * 100, -4900 + Math.floor(i / 40) * 100, -4850 + (i % 40) * 100, -4850 + Math.floor(i / 40) * 100),
        ),
      );
      const m = multipart([{ name: 'big.geojson', content: JSON.stringify(big) }]);
      assert.ok(m.payload.length > 64 * 1024);
      const r = await app.inject({
        method: 'POST',
        url: '/api/layers/GHYD/import',
        payload: m.payload,
        headers: { ...m.headers, ...admin },
      });
      assert.equal(r.statusCode, 413, r.body);
      assertErrorShape(r.body, 413, 'upload');
      assert.equal(r.json().code, 'payload_too_large');
      const j = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: { ...admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ type: 'urban-construction', geojson: big }),
      });
      assert.equal(j.statusCode, 413);
      assertErrorShape(j.body, 413, 'json');
      assert.equal(await dbState(h.db), before);
    });

    test('malformed uploads and bodies: 4xx naming the file and reason; nothing written', async () => {
      const before = await dbState(h.db);
      const cases: [string, InjectOptions, number, RegExp][] = [];
      const garbageShp = multipart([{ name: '用地.shp', content: Buffer.from('this is not a shapefile at all, just text') }]);
      cases.push([
        'garbage .shp',
        { method: 'POST', url: '/api/layers/GHYD/import', payload: garbageShp.payload, headers: garbageShp.headers },
        400,
        /用地\.shp/,
      ]);
      const brokenJson = multipart([
        {
          name: 'broken.geojson',
          content: '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[120,30],',
        },
      ]);
      cases.push([
        'truncated GeoJSON',
        { method: 'POST', url: '/api/layers/GHYD/import', payload: brokenJson.payload, headers: brokenJson.headers },
        400,
        /broken\.geojson/,
      ]);
      const bowtie = {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            id: 'bt',
            properties: {},
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [120.0, 30.0],
                  [120.01, 30.01],
                  [120.01, 30.0],
                  [120.0, 30.01],
                  [120.0, 30.0],
                ],
              ],
            },
          },
        ],
      };
      const bt = multipart([{ name: 'bowtie.geojson', content: JSON.stringify(bowtie) }]);
      cases.push([
        'self-intersecting polygon',
        { method: 'POST', url: '/api/layers/GHYD/import', payload: bt.payload, headers: bt.headers },
        400,
        /bt.*(Self-intersection|自相交)/i,
      ]);
      const exe = multipart([{ name: 'tool.exe', content: 'MZ' }]);
      cases.push([
        'unknown format',
        { method: 'POST', url: '/api/layers/GHYD/import', payload: exe.payload, headers: exe.headers },
        400,
        /unknown format ".exe"/,
      ]);
      const two = multipart([
        { name: 'a.geojson', content: '{}' },
        { name: 'b.geojson', content: '{}' },
      ]);
      cases.push([
        'two unrelated files',
        { method: 'POST', url: '/api/layers/GHYD/import', payload: two.payload, headers: two.headers },
        400,
        /several files/,
      ]);
      const none = multipart([], { srid: '4490' });
      cases.push([
        'no file',
        { method: 'POST', url: '/api/layers/GHYD/import', payload: none.payload, headers: none.headers },
        400,
        /没有收到文件/,
      ]);
      cases.push(['not multipart', { method: 'POST', url: '/api/layers/GHYD/import', payload: { a: 1 } }, 415, /multipart/]);
      cases.push([
        'malformed JSON',
        {
          method: 'POST',
          url: '/api/review/runs',
          payload: '{"type": "urban-construction", "geojson": ',
          headers: { 'content-type': 'application/json' },
        },
        400,
        /JSON/,
      ]);
      cases.push(['wrong JSON type', { method: 'POST', url: '/api/review/runs', payload: { type: { a: 1 }, geojson: [] } }, 400, /type/]);
      cases.push([
        'geometry not an object',
        { method: 'POST', url: '/api/review/runs', payload: { type: 'urban-construction', geojson: [] } },
        400,
        /请求中的 geojson.*geometry is not an object/,
      ]);
      cases.push([
        'review of a point',
        {
          method: 'POST',
          url: '/api/review/runs',
          payload: { type: 'urban-construction', geojson: { type: 'Point', coordinates: [120, 30] } },
        },
        400,
        /POINT but layer 项目红线 holds Polygon/,
      ]);
      const srid = multipart([{ name: 'p.geojson', content: JSON.stringify(fc(sq(0, 0, 10, 10))) }], { srid: 'abc' });
      cases.push([
        'non-numeric srid field',
        { method: 'POST', url: '/api/layers/GHYD/import', payload: srid.payload, headers: srid.headers },
        400,
        /srid/,
      ]);
      for (const [name, req, status, msg] of cases) {
        const r = await app.inject({ ...req, headers: { ...(req.headers as Record<string, string> | undefined), ...admin } });
        assert.equal(r.statusCode, status, `${name}: ${r.body.slice(0, 300)}`);
        assertErrorShape(r.body, status, name);
        assert.match(r.json().error, msg, name);
        assert.ok(!/onemap-(upload|review)-/.test(r.body), `${name}: the temporary folder does not leak into the message`);
      }
      assert.equal(await dbState(h.db), before, 'no malformed input changed anything');
    });

    test('SQL-injection strings in every parameter: refused or harmless, never a 500, nothing changed', async () => {
      const before = await dbState(h.db);
      const auditBefore = (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
      for (const bad of INJECTIONS) {
        const e = encodeURIComponent(bad);
        const reqs: InjectOptions[] = [
          { url: `/api/layers/${e}` },
          { url: `/api/layers/${e}/versions` },
          { url: `/api/layers/GHYD/diff?from=${e}&to=1` },
          { url: `/api/layers/GHYD/diff?from=1&to=${e}` },
          { url: `/api/search?q=${e}` },
          { url: `/api/search?q=x&limit=${e}` },
          { url: `/api/review/rulesets/${e}` },
          { url: `/api/review/rulesets/default/versions/${e}` },
          { url: `/api/review/runs/${e}` },
          { url: `/api/review/runs/1/compare/${e}` },
          { url: `/api/review/cases?status=${e}` },
          { url: `/api/review/cases?limit=${e}` },
          { url: `/api/review/cases/${e}` },
          { url: `/api/review/cases/${e}/opinion.pdf` },
          { method: 'POST', url: `/api/review/cases/1/findings/${e}/review`, payload: { action: 'confirm' } },
          { method: 'POST', url: '/api/review/runs', payload: { type: bad, geojson: fc(sq(-100, -100, 0, 0)) } },
          {
            method: 'POST',
            url: '/api/review/runs',
            payload: { type: 'urban-construction', ruleset: bad, geojson: fc(sq(-100, -100, 0, 0)) },
          },
          {
            method: 'POST',
            url: '/api/review/runs',
            payload: { type: 'urban-construction', srid: bad, geojson: fc(sq(-100, -100, 0, 0)) },
          },
          { method: 'POST', url: '/api/review/consistency', payload: { a: bad, b: 'CZKFBJ' } },
          { url: `/api/users/${e}` },
          { method: 'POST', url: '/api/users', payload: { username: bad, role: 'planner' } },
          { method: 'POST', url: '/api/users', payload: { username: 'x1', role: bad } },
          { method: 'POST', url: '/api/tokens', payload: { username: bad, name: 'x' } },
          { method: 'DELETE', url: `/api/tokens/${e}` },
          { url: `/api/audit?actor=${e}` },
          { url: `/api/audit?action=${e}` },
          { url: `/api/audit?from=${e}` },
          { url: `/api/audit?beforeId=${e}` },
          { url: `/api/audit/export?entity=${e}` },
          { method: 'POST', url: '/api/auth/login', payload: { username: bad, password: bad } },
          { url: `/api/access/runs/${e}` },
          { url: `/api/access/isochrones?type=${e}&bbox=${e}` },
          { method: 'PUT', url: `/api/layers/${e}/coverage`, payload: { coverage: null } },
        ];
        for (const req of reqs) {
          const r = await app.inject({ ...req, headers: admin });
          assert.ok(r.statusCode < 500, `${req.method ?? 'GET'} ${req.url} → ${r.statusCode} ${r.body.slice(0, 200)}`);
          if (r.statusCode >= 400) assertErrorShape(r.body, r.statusCode, String(req.url));
        }
      }
      assert.equal(await dbState(h.db), before);
      const tables = (
        await h.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('layer', 'audit_log', 'app_user', 'feature')`,
        )
      ).rows[0].n;
      assert.equal(tables, 4, 'every table still there');
      const added = (await h.db.query<{ action: string }>('SELECT action FROM audit_log WHERE id > $1', [auditBefore])).rows.map(
        (r) => r.action,
      );
      assert.ok(
        added.every((a) => a === 'auth.login-failed' || a === 'case.submit-failed'),
        `only failed log-ins were recorded: ${added.join(', ')}`,
      );
    });

    test('a request past its deadline answers 504 and its database query is cancelled', async (t) => {
      if (h.db.kind === 'pglite') {
        // Embedded PGlite runs in its worker thread and cannot interrupt a statement in WASM: the
        // request gets its 504 at once, the statement ends in the thread, the request's next
        // statement is never run, and the next caller finds the database as it was.
        const t0 = Date.now();
        const r = await app.inject({ url: '/test/slow', headers: admin });
        const ms = Date.now() - t0;
        assert.equal(r.statusCode, 504, r.body);
        assert.equal(r.json().code, 'timeout');
        assert.match(r.json().error, /请求超时/);
        assert.ok(ms < 2500, `answered after ${ms} ms, before the 3 s statement ended`);
        assert.equal((await h.db.query<{ one: number }>(`SELECT 1 AS one`)).rows[0].one, 1, 'the next caller is served');
        return t.diagnostic(`PGlite: answered after ${ms} ms; the statement finished in the database thread`);
      }
      const t0 = Date.now();
      const r = await app.inject({ url: '/test/slow', headers: admin });
      const ms = Date.now() - t0;
      assert.equal(r.statusCode, 504, r.body);
      assert.equal(r.json().code, 'timeout');
      assert.match(r.json().error, /请求超时/);
      assert.ok(ms < 2500, `answered after ${ms} ms, well before the 3 s sleep would end`);
      const running = await h.db.query(
        `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%onemap-timeout-test%' AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      assert.equal(running.rows.length, 0, 'the statement is no longer running on the server');
    });

    test('a client that disconnects stops the database work of its request', async () => {
      // No deadline in reach (60 s): only the disconnect can stop the work.
      const slow = await buildApp({ db: h.db, config: { ...h.config, limits: { ...h.config.limits, requestTimeoutMs: 60_000 } } });
      await h.db.exec(`CREATE TABLE IF NOT EXISTS gone_t (n int)`);
      let begun!: () => void;
      const started = new Promise<void>((r) => (begun = r));
      slow.get('/test/slow-write', { config: { access: 'staff' } }, async () => {
        begun();
        await h.db.query(`SELECT pg_sleep(1.5)`);
        await h.db.query(`INSERT INTO gone_t VALUES (1)`);
        return { written: true };
      });
      try {
        await slow.listen({ host: '127.0.0.1', port: 0 });
        const port = (slow.server.address() as { port: number }).port;
        const req = request({ host: '127.0.0.1', port, path: '/test/slow-write', headers: admin });
        req.on('error', () => {});
        req.end();
        // The client goes away while its request waits in the database.
        await started;
        req.destroy();
        // Past the sleep's end: the write after it would have been done by now.
        await new Promise((r) => setTimeout(r, 2500));
        assert.equal((await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM gone_t`)).rows[0].n, 0, 'nothing written');
      } finally {
        await slow.close();
      }
    });

    test('anonymous callers are rate-limited per address; signed-in staff are not', async () => {
      const limited = await buildApp({ db: h.db, config: { ...h.config, limits: { ...h.config.limits, anonymousPerMinute: 5 } } });
      try {
        for (let i = 0; i < 5; i++) assert.equal((await limited.inject('/api/layers')).statusCode, 200);
        const r = await limited.inject('/api/layers');
        assert.equal(r.statusCode, 429);
        assertErrorShape(r.body, 429, 'rate limit');
        assert.equal(r.json().code, 'rate_limited');
        assert.ok(Number(r.headers['retry-after']) >= 1);
        assert.equal(
          (await limited.inject({ url: '/api/layers', remoteAddress: '10.0.0.9' })).statusCode,
          200,
          'another address has its own budget',
        );
        for (let i = 0; i < 10; i++) assert.equal((await limited.inject({ url: '/api/layers', headers: admin })).statusCode, 200);
      } finally {
        await limited.close();
      }
    });

    test('unknown routes and methods: the same JSON error shape', async () => {
      const r = await app.inject('/api/nope');
      assert.equal(r.statusCode, 404);
      assertErrorShape(r.body, 404, 'route');
      const v = await app.inject({ url: '/api/review/cases/abc', headers: admin });
      assert.equal(v.statusCode, 400);
      assert.equal(v.json().code, 'validation');
    });
  });
}
