// What the review workbench (web/src/pages/review) asks of the review API beyond the workflow
// tests: the submissions list searched by title or applicant (`q`), literally (a % or _ typed in
// the search box is a character, not a wildcard), combined with the status filter, and still only
// a district officer's own cases for a district officer.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sq, fc, loadCity } from './helpers/city.ts';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';

for (const tdb of testDatabases()) {
  describe(`review cases search on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let planner: Record<string, string>;
    let reviewer: Record<string, string>;
    let xihu: Record<string, string>;
    const ids: Record<string, number> = {};

    const submit = async (who: Record<string, string>, title: string, applicant: string, x0: number) => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/review/cases',
        headers: who,
        payload: { title, applicant, type: 'urban-construction', geojson: fc(sq(x0, 100, x0 + 100, 200)) },
      });
      assert.equal(r.statusCode, 201, r.body);
      return (r.json() as { id: number }).id;
    };
    const list = async (who: Record<string, string>, query: string) => {
      const r = await app.inject({ method: 'GET', url: `/api/review/cases?${query}`, headers: who });
      assert.equal(r.statusCode, 200, r.body);
      return (r.json() as { id: number; title: string }[]).map((c) => c.id).sort((a, b) => a - b);
    };

    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: h.config });
      planner = await authHeaders(h.db, 'planner');
      reviewer = await authHeaders(h.db, 'reviewer');
      xihu = await authHeaders(h.db, 'district', { districts: ['330106'] });
      ids.wensan = await submit(planner, '文三路地块项目', '杭州某建设公司', 1000);
      ids.liangzhu = await submit(planner, '良渚物流园项目', '余杭物流集团', 2000);
      ids.percent = await submit(planner, '容积率100%_核查项目', '某设计院', 3000);
      ids.district = await submit(xihu, '西湖区文三路补充地块', '西湖区分局', -2000);
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('q finds a word of the title or of the applicant; no q lists every case', async () => {
      assert.deepEqual(
        await list(reviewer, `q=${encodeURIComponent('文三路')}`),
        [ids.wensan, ids.district].sort((a, b) => a - b),
      );
      assert.deepEqual(await list(reviewer, `q=${encodeURIComponent('物流集团')}`), [ids.liangzhu]);
      assert.deepEqual(await list(reviewer, `q=${encodeURIComponent('  良渚 ')}`), [ids.liangzhu], 'surrounding spaces are ignored');
      assert.deepEqual(
        await list(reviewer, ''),
        Object.values(ids).sort((a, b) => a - b),
      );
      assert.deepEqual(await list(reviewer, `q=${encodeURIComponent('没有这个项目')}`), []);
    });

    test('% and _ in the search text match themselves, not any text', async () => {
      assert.deepEqual(await list(reviewer, `q=${encodeURIComponent('%')}`), [ids.percent]);
      assert.deepEqual(await list(reviewer, `q=${encodeURIComponent('0%_核')}`), [ids.percent]);
      assert.deepEqual(await list(reviewer, `q=${encodeURIComponent('_')}`), [ids.percent]);
    });

    test('q combines with the status filter', async () => {
      // Any finding review moves the case from machine-reviewed to in-review.
      const c = await app.inject({ method: 'GET', url: `/api/review/cases/${ids.wensan}`, headers: reviewer });
      const first = (c.json() as { run: { findings: { key: string }[] } }).run.findings[0].key;
      const r = await app.inject({
        method: 'POST',
        url: `/api/review/cases/${ids.wensan}/findings/${encodeURIComponent(first)}/review`,
        headers: reviewer,
        payload: { action: 'confirm', reason: '核实无误' },
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(await list(reviewer, `q=${encodeURIComponent('文三路')}&status=in-review`), [ids.wensan]);
      assert.deepEqual(await list(reviewer, `q=${encodeURIComponent('文三路')}&status=machine-reviewed`), [ids.district]);
    });

    test('a district officer searching finds only their own cases', async () => {
      assert.deepEqual(await list(xihu, `q=${encodeURIComponent('文三路')}`), [ids.district]);
      assert.deepEqual(await list(xihu, `q=${encodeURIComponent('良渚')}`), []);
    });

    test('an over-long search text is refused, naming the parameter', async () => {
      const r = await app.inject({ method: 'GET', url: `/api/review/cases?q=${'很'.repeat(101)}`, headers: reviewer });
      assert.equal(r.statusCode, 400);
      assert.match((r.json() as { error: string }).error, /q/);
    });
  });
}
