// District read scope by shared area, not by touching (issue 22 item 5): a district officer reading
// a restricted layer gets the parcels inside their district and those that share more than the
// tolerance (1 m²) with it — not the neighbour's parcels that only touch the border or overlap it
// by a digitising sliver.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { memoryReader, rect } from './helpers/memory-reader.ts';
import { buildApp } from '../src/server/app.ts';
import { importFromReader } from '../src/importers/pipeline.ts';

const poly = (ring: number[][]) => ({ type: 'Polygon' as const, coordinates: [ring] });

for (const tdb of testDatabases()) {
  describe(`district read scope on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    before(async () => {
      h = await tdb.open();
      // Two districts side by side, 0.01° square each, sharing the meridian 120.11°E.
      await importFromReader(
        h.db,
        h.config,
        memoryReader([
          { fid: 'w', geometry: poly(rect(120.1, 30.25, 0.01)), props: { XZQDM: '330106', XZQMC: '西湖区' } },
          { fid: 'e', geometry: poly(rect(120.11, 30.25, 0.01)), props: { XZQDM: '330110', XZQMC: '余杭区' } },
        ]),
        { layer: 'XZQ' },
      );
      await importFromReader(
        h.db,
        h.config,
        memoryReader([
          { fid: 'inside', geometry: poly(rect(120.102, 30.252, 0.001)) }, // wholly in 西湖区
          { fid: 'touching', geometry: poly(rect(120.11, 30.255, 0.001)) }, // 余杭区, its west edge on the border
          // 余杭区 but reaching 1e-7° (≈ 0.01 m) into 西湖区 over 0.0005° (≈ 55 m): ≈ 0.5 m², a sliver.
          { fid: 'sliver', geometry: poly(rect(120.1099999, 30.257, 0.0021, 0.0005)) },
          // Straddling: 0.0005° (≈ 48 m) of its 0.001° width in 西湖区, ≈ 5,300 m².
          { fid: 'straddling', geometry: poly(rect(120.1095, 30.259, 0.001)) },
        ]),
        { layer: 'ZD' },
      );
      app = await buildApp({ db: h.db, config: h.config });
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('touching and sliver parcels of the neighbouring district are not returned', async () => {
      const d = await authHeaders(h.db, 'district', { districts: ['330106'] });
      const r = await app.inject({ url: '/ogcapi/collections/ZD/items?f=json&limit=100', headers: d });
      assert.equal(r.statusCode, 200, r.body);
      const fids = (r.json() as { features: { id: string | number; properties: Record<string, unknown> }[] }).features
        .map((f) => String(f.id))
        .sort();
      assert.deepEqual(fids, ['inside', 'straddling']);
      // Staff without a district scope see all four.
      const all = await app.inject({ url: '/ogcapi/collections/ZD/items?f=json&limit=100', headers: await authHeaders(h.db, 'planner') });
      assert.equal((all.json() as { features: unknown[] }).features.length, 4);
    });
  });
}
