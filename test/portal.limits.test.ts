// Limits on public comments (issue 22 item 9, portal/comment-limits.ts): at most 5 comments per
// address on one consultation in 24 hours and 30 per address on all consultations in an hour,
// answered 429 with Retry-After and a Chinese message. Counted from the database: two app
// servers on one database share the count, and a restarted server keeps it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, fc } from './helpers/city.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock } from '../src/util/clock.ts';
import { COMMENT_LIMITS } from '../src/portal/comment-limits.ts';
import type { Config } from '../src/config.ts';

for (const tdb of testDatabases()) {
  describe(`comment limits on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let config: Config;
    let a: FastifyInstance;
    let b: FastifyInstance;
    let planner: Record<string, string>;
    let n = 0;
    const consultation = async (app: FastifyInstance) => {
      n++;
      const r = await app.inject({
        method: 'POST',
        url: '/api/portal/consultations',
        headers: planner,
        payload: { title: `测试公示${n}`, startDate: '2026-03-05', endDate: '2026-03-20', geojson: fc(sq(-2000, 0, -1000, 1000)) },
      });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as number;
    };
    const comment = (app: FastifyInstance, id: number, ip: string) =>
      app.inject({
        method: 'POST',
        url: `/api/portal/consultations/${id}/comments`,
        remoteAddress: ip,
        payload: { text: `关于第 ${id} 号公示的意见内容` },
      });
    const stored = async (id: number) =>
      (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultation_comment WHERE consultation_id = $1', [id])).rows[0].n;

    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      // Anonymous rate off: the limit under test is the comment limit, not the request rate.
      config = { ...h.config, clock: fixedClock('2026-03-10'), limits: { ...h.config.limits, anonymousPerMinute: 0 } };
      // Two app servers on one database.
      a = await buildApp({ db: h.db, config });
      b = await buildApp({ db: h.db, config });
      planner = await authHeaders(h.db, 'planner');
    });
    after(async () => {
      await a.close();
      await b.close();
      await h.close();
    });

    test('per address and consultation: the sixth in a day is 429, across two servers and a restart', async () => {
      assert.equal(COMMENT_LIMITS.perConsultation, 5);
      const x = await consultation(a);
      const y = await consultation(a);
      for (const app of [a, b, a, b, a]) assert.equal((await comment(app, x, '10.0.0.1')).statusCode, 201);
      const r = await comment(b, x, '10.0.0.1');
      assert.equal(r.statusCode, 429, r.body);
      assert.equal(r.json().code, 'rate_limited');
      assert.match(r.json().error, /测试公示1/);
      assert.match(r.json().error, /提交 5 条意见，达到每个公示每个地址上限 5 条/);
      // The oldest of the five leaves the 24-hour window in a little under 24 hours.
      const wait = Number(r.headers['retry-after']);
      assert.ok(wait > 23 * 3600 && wait <= 24 * 3600, `Retry-After ${r.headers['retry-after']}`);
      assert.equal(await stored(x), 5, 'the refused comment is not stored');
      // Another address on the same consultation, the same address on another: accepted.
      assert.equal((await comment(a, x, '10.0.0.2')).statusCode, 201);
      assert.equal((await comment(a, y, '10.0.0.1')).statusCode, 201);
      // A restarted server counts the same.
      await a.close();
      a = await buildApp({ db: h.db, config });
      assert.equal((await comment(a, x, '10.0.0.1')).statusCode, 429);
      assert.equal(await stored(x), 6);
    });

    test('per address on all consultations: the 31st in an hour is 429', async () => {
      assert.equal(COMMENT_LIMITS.perAddress, 30);
      const ids: number[] = [];
      for (let i = 0; i < 7; i++) ids.push(await consultation(a));
      // 30 comments, 5 on each of six consultations, alternating servers.
      for (let i = 0; i < 30; i++) {
        const r = await comment(i % 2 ? a : b, ids[Math.floor(i / 5)], '10.0.0.9');
        assert.equal(r.statusCode, 201, `${i}: ${r.body}`);
      }
      const r = await comment(a, ids[6], '10.0.0.9');
      assert.equal(r.statusCode, 429, r.body);
      assert.match(r.json().error, /60 分钟内已提交 30 条意见，达到每个地址上限 30 条/);
      const wait = Number(r.headers['retry-after']);
      assert.ok(wait > 50 * 60 && wait <= 3600, `Retry-After ${r.headers['retry-after']}`);
      assert.equal(await stored(ids[6]), 0);
      assert.equal((await comment(b, ids[6], '10.0.0.10')).statusCode, 201, 'another address is not held');
    });
  });
}
