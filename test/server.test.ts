// HTTP application built over each test database: health and the layer catalogue routes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { buildApp } from '../src/server/app.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { DEFAULT_LAYER_CODES } from '../src/catalogue/catalogue.service.ts';
import { authHeaders } from './helpers/auth.ts';

for (const tdb of testDatabases()) {
  describe(`HTTP on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: Awaited<ReturnType<typeof buildApp>>;
    let staff: Record<string, string>;
    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: h.config });
      await importFile(h.db, h.config, 'fixtures/import/coordtxt/two_parcels_gbk.txt', { layer: 'ZD' });
      staff = await authHeaders(h.db, 'planner');
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('health reports the database and the layers with features', async () => {
      const r = await app.inject({ url: '/health', headers: staff });
      assert.equal(r.statusCode, 200);
      const body = r.json();
      assert.equal(body.status, 'ok');
      assert.equal(body.database, tdb.name);
      assert.equal(body.layers, DEFAULT_LAYER_CODES.length);
      assert.equal(body.layersWithFeatures, 1);
      assert.equal(body.features, 2);
    });

    test('every answer carries the security headers (CSP without inline script, no framing, nosniff)', async () => {
      for (const url of ['/health', '/api/layers', '/api/layers/NOPE', '/']) {
        const r = await app.inject({ url, headers: staff });
        assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
        assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN', url);
        const csp = String(r.headers['content-security-policy'] ?? '');
        assert.match(csp, /script-src 'self'(;|$)/, `${url}: scripts from this origin only`);
        const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
        assert.doesNotMatch(scriptSrc, /unsafe/, `${url}: no inline or eval script`);
        assert.match(csp, /frame-ancestors 'self'/, url);
      }
    });

    test('layers, versions and errors', async () => {
      const layers = (await app.inject({ url: '/api/layers', headers: staff })).json() as {
        code: string;
        featureCount: number;
        version: number | null;
      }[];
      assert.deepEqual(
        layers.find((l) => l.code === 'ZD'),
        { code: 'ZD', name: '宗地', class: '审批', version: 1, featureCount: 2, public: false, scope: 'all' },
      );
      const v = (await app.inject({ url: '/api/layers/ZD/versions', headers: staff })).json();
      assert.equal(v.length, 1);
      assert.equal((await app.inject('/api/layers/NOPE/versions')).statusCode, 404);
      assert.equal((await app.inject({ url: '/api/layers/ZD/diff?from=1&to=9', headers: staff })).statusCode, 404);
      assert.equal((await app.inject({ url: '/api/layers/ZD/diff?from=x&to=1', headers: staff })).statusCode, 400);
      // Without a built web application, / is the plain landing page listing what the caller reads.
      const bare = await buildApp({ db: h.db, config: h.config, webDist: '/nonexistent/' });
      const html = await bare.inject({ url: '/', headers: staff });
      assert.match(html.body, /宗地/);
      assert.match(html.body, /npm run build/);
      await bare.close();
    });
  });
}
