// Malformed parameters answer 400 naming the parameter, never 500 (issue 22 item 9): NUL
// characters in the address or a JSON string, numbers no database column holds ("1e999"), a JSON
// body nested 100,000 levels deep, a multipart body cut short or without its boundary. Nothing is
// written.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { importFile } from '../src/importers/pipeline.ts';

for (const tdb of testDatabases()) {
  describe(`malformed input on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    const versions = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM layer_version')).rows[0].n;
    before(async () => {
      h = await tdb.open();
      await importFile(h.db, h.config, 'fixtures/import/coordtxt/two_parcels_gbk.txt', { layer: 'ZD' });
      app = await buildApp({ db: h.db, config: h.config });
      admin = await authHeaders(h.db, 'admin');
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    const expect400 = (r: { statusCode: number; body: string }, code: RegExp, what: string) => {
      assert.equal(r.statusCode, 400, `${what}: ${r.body.slice(0, 200)}`);
      const b = JSON.parse(r.body) as { code: string; error: string };
      assert.match(b.code, code, what);
      assert.match(b.error, /[\u4e00-\u9fff]/, `${what}: a Chinese message`);
    };

    test('NUL characters in the address or in a JSON string', async () => {
      for (const url of ['/api/layers/ZD%00', '/api/search?q=%00abc', '/api/audit?actor=a%00b'])
        expect400(await app.inject({ url, headers: admin }), /nul_character/, url);
      const r = await app.inject({ method: 'PATCH', url: '/api/layers/ZD', headers: admin, payload: { description: 'a\u0000b' } });
      expect400(r, /nul_character/, 'PATCH description');
      assert.match(r.json().error, /description/);
    });

    test('numbers out of range: 1e999 and beyond 2^53', async () => {
      for (const url of [
        '/api/layers/ZD/diff?from=1e999&to=1',
        '/api/layers/ZD/diff?from=1&to=99999999999999999999',
        '/api/audit?beforeId=1e999',
      ])
        expect400(await app.inject({ url, headers: admin }), /out_of_range/, url);
      const r = await app.inject({ url: '/api/audit?beforeId=1e999', headers: admin });
      assert.match(r.json().error, /beforeId/);
    });

    test('a JSON body nested 100,000 levels deep', async () => {
      const deep = '{"description":' + '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000) + '}';
      const r = await app.inject({
        method: 'PATCH',
        url: '/api/layers/ZD',
        headers: { ...admin, 'content-type': 'application/json' },
        payload: deep,
      });
      assert.ok(r.statusCode === 400 || r.statusCode === 413, `${r.statusCode} ${r.body.slice(0, 200)}`);
    });

    test('a multipart body cut short or without its boundary', async () => {
      const before = await versions();
      const cut = await app.inject({
        method: 'POST',
        url: '/api/layers/ZD/import',
        headers: { ...admin, 'content-type': 'multipart/form-data; boundary=XX' },
        payload: '--XX\r\nContent-Disposition: form-data; name="file"; filename="a.geojson"\r\n\r\n{"type":',
      });
      expect400(cut, /malformed_upload/, 'cut short');
      const none = await app.inject({
        method: 'POST',
        url: '/api/layers/ZD/import',
        headers: { ...admin, 'content-type': 'multipart/form-data' },
        payload: 'garbage',
      });
      expect400(none, /malformed_upload/, 'no boundary');
      assert.equal(await versions(), before, 'nothing imported');
    });
  });
}
