// The one write the admin pages add to the catalogue: editing a layer's descriptive metadata
// (PATCH /api/layers/:code, administrators only, audited, not the public flag), on every database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';

for (const tdb of testDatabases()) {
  describe(`layer metadata edits on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let planner: Record<string, string>;
    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: h.config });
      admin = await authHeaders(h.db, 'admin', { username: 'meta_admin' });
      planner = await authHeaders(h.db, 'planner');
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    const patch = (code: string, payload: unknown, headers: Record<string, string>) =>
      app.inject({ method: 'PATCH', url: `/api/layers/${code}`, payload: payload as object, headers });

    test('an administrator edits the legal basis and date; the trail keeps before and after', async () => {
      const old = (await app.inject({ url: '/api/layers/GHYD' })).json();
      const r = await patch('GHYD', { legal_basis: '杭政函〔2025〕1号', data_date: '2025-12-31' }, admin);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual([r.json().legal_basis, r.json().data_date, r.json().name_zh], ['杭政函〔2025〕1号', '2025-12-31', old.name_zh]);
      assert.equal((await app.inject({ url: '/api/layers/GHYD' })).json().legal_basis, '杭政函〔2025〕1号');
      const a = (
        await h.db.query<{ actor: string; before: { legal_basis: string }; after: { legal_basis: string; data_date: string } }>(
          `SELECT actor, before, after FROM audit_log WHERE action = 'layer.metadata' AND entity_id = 'GHYD'`,
        )
      ).rows;
      assert.equal(a.length, 1);
      assert.deepEqual(
        [a[0].actor, a[0].before.legal_basis, a[0].after.legal_basis, a[0].after.data_date],
        ['meta_admin', old.legal_basis, '杭政函〔2025〕1号', '2025-12-31'],
      );
    });

    test('refused: other roles, the public flag, bad dates, unknown layers — nothing changes', async () => {
      assert.equal((await patch('GHYD', { description: 'x' }, planner)).statusCode, 403);
      assert.equal((await patch('GHYD', { description: 'x' }, {})).statusCode, 401);
      const pub = await patch('DLTB', { public: true }, admin);
      assert.equal(pub.statusCode, 400);
      assert.match(pub.json().error, /public/);
      assert.equal((await patch('GHYD', { data_date: '31.12.2025' }, admin)).statusCode, 400);
      assert.equal((await patch('GHYD', { name_zh: '' }, admin)).statusCode, 400);
      assert.equal((await patch('NOPE', { description: 'x' }, admin)).statusCode, 404);
      const n = (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'layer.metadata'`)).rows[0].n;
      assert.equal(n, 1, 'only the accepted edit of the previous test is on the trail');
      assert.equal((await app.inject({ url: '/api/layers/DLTB' })).statusCode, 404, 'DLTB is still restricted');
    });
  });
}
