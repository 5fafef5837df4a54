// 成果质检 on the HTTP upload (decision 0013): on by default, a blocking error refuses the file
// with the errors listed and the store unchanged, warnings come back with the import, and only an
// administrator may skip the check (qc=false).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, fc } from './helpers/city.ts';
import { multipart } from './helpers/multipart.ts';
import { buildApp } from '../src/server/app.ts';

/** GHYD features in EPSG:4549 with the given 用地用海分类 codes, one per square. */
function ghyd(items: [ReturnType<typeof sq>, string][]) {
  const c = fc(...items.map((x) => x[0]));
  return {
    ...c,
    features: c.features.map((f, k) => ({ ...f, properties: { ...f.properties, YDYHFLDM: items[k][1], YDYHFLMC: '名称' } })),
  };
}

for (const tdb of testDatabases()) {
  describe(`quality check on the HTTP upload on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let planner: Record<string, string>;
    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: h.config });
      admin = await authHeaders(h.db, 'admin');
      planner = await authHeaders(h.db, 'planner');
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    const upload = (body: object, headers: Record<string, string>, fields: Record<string, string> = {}) => {
      const m = multipart([{ name: 'ghyd.geojson', content: JSON.stringify(body) }], fields);
      return app.inject({ method: 'POST', url: '/api/layers/GHYD/import', payload: m.payload, headers: { ...m.headers, ...headers } });
    };

    test('a 三调 code in 规划用地 is refused (400 qc_rejected, the error listed), nothing written', async () => {
      const before = await storeSnapshot(h.db);
      // 0305 is 三调's 灌木林地; the 2023 分类 numbers it 0303 and has no 0305.
      const r = await upload(ghyd([[sq(-2000, 0, -1000, 1000), '0305']]), planner);
      assert.equal(r.statusCode, 400, r.body);
      const body = r.json();
      assert.equal(body.code, 'qc_rejected');
      assert.deepEqual(
        body.problems.map((p: { fid: string; rule: string; value: unknown }) => [p.fid, p.rule, p.value]),
        [['1', 'GHYD.YDYHFLDM', '0305']], // a feature without an id is named by its position, from 1
      );
      assert.equal(await storeSnapshot(h.db), before);
    });

    test('only an administrator may skip the check: qc=false from a planner is 403, from an administrator it imports', async () => {
      const bad = ghyd([[sq(-2000, 0, -1000, 1000), '0305']]);
      const before = await storeSnapshot(h.db);
      const p = await upload(bad, planner, { qc: 'false' });
      assert.equal(p.statusCode, 403, p.body);
      assert.equal(p.json().code, 'qc_skip_forbidden');
      assert.equal(await storeSnapshot(h.db), before);
      const a = await upload(bad, admin, { qc: 'false' });
      assert.equal(a.statusCode, 201, a.body);
      assert.equal(a.json().featureCount, 1);
    });

    test('warnings of the check come back with the import: two 规划地块 overlapping by 0.1 km²', async () => {
      // GHYD.no-overlap is a warning: the squares share 100 m × 1000 m = 100,000 m² (planar in GK
      // zone 40 next to its meridian, where the scale factor is 1).
      const r = await upload(
        ghyd([
          [sq(-2000, 0, -1000, 1000), '0701'],
          [sq(-1100, 0, -100, 1000), '0901'],
        ]),
        planner,
      );
      assert.equal(r.statusCode, 201, r.body);
      const warnings: string[] = r.json().warnings;
      const qc = warnings.filter((w) => w.startsWith('质检提示（GHYD.no-overlap）'));
      assert.equal(qc.length, 1, JSON.stringify(warnings));
    });
  });
}
