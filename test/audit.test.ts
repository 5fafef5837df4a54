// The audit trail on every test database: every write through the API appends who / when / what
// / before / after; nobody can change or delete an entry, not even through SQL; administrators
// browse and export it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, fc } from './helpers/city.ts';
import { multipart } from './helpers/multipart.ts';
import { buildApp } from '../src/server/app.ts';
import { DEFAULT_RULESET } from '../src/review/ruleset.ts';

/** A 规划用地 upload that passes 成果质检 (GHYD rules: YDYHFLDM in the 2023 分类, with its name). */
const ghydFc = (...geoms: Parameters<typeof fc>) => {
  const c = fc(...geoms);
  return { ...c, features: c.features.map((f) => ({ ...f, properties: { ...f.properties, YDYHFLDM: '0701', YDYHFLMC: '城镇住宅用地' } })) };
};

for (const tdb of testDatabases()) {
  describe(`audit trail on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let reviewer: Record<string, string>;
    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: h.config });
      admin = await authHeaders(h.db, 'admin', { username: '审计管理员' });
      reviewer = await authHeaders(h.db, 'reviewer', { username: '李审查' });
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    const lastId = async () => (await h.db.query<{ n: number }>('SELECT coalesce(max(id), 0)::int AS n FROM audit_log')).rows[0].n;

    test('every write appends an entry naming the actor, the action and the object', async () => {
      const m = multipart([{ name: 'ghyd.geojson', content: JSON.stringify(ghydFc(sq(-2000, 0, -1000, 1000))) }]);
      let caseId = 0;
      let key = '';
      let tokenId = 0;
      // [what, request, who, expected action, status]
      const writes: [string, () => InjectOptions, Record<string, string>, string, number][] = [
        [
          'import',
          () => ({ method: 'POST', url: '/api/layers/GHYD/import', payload: m.payload, headers: m.headers }),
          admin,
          'layer.import',
          201,
        ],
        [
          'coverage',
          () => ({ method: 'PUT', url: '/api/layers/GHYD/coverage', payload: { coverage: sq(-5000, -5000, 0, 0) && null } }),
          admin,
          'layer.coverage',
          200,
        ],
        [
          'rule set',
          () => ({
            method: 'PUT',
            url: '/api/review/rulesets/audit',
            payload: {
              definition: {
                ...DEFAULT_RULESET,
                name: 'audit',
                rules: DEFAULT_RULESET.rules.filter((x) => ['yjjbnt', 'czkfbj'].includes(x.id)),
              },
              note: '测试',
            },
          }),
          admin,
          'ruleset.save',
          201,
        ],
        [
          'machine review',
          () => ({
            method: 'POST',
            url: '/api/review/runs',
            payload: { type: 'urban-construction', geojson: fc(sq(-4100, 3100, -3900, 3300)) },
          }),
          reviewer,
          'review.run',
          201,
        ],
        [
          'submission',
          () => ({
            method: 'POST',
            url: '/api/review/cases',
            payload: { title: '审计项目', type: 'urban-construction', ruleset: 'audit', geojson: fc(sq(-4100, 3100, -3900, 3300)) },
          }),
          admin,
          'case.machine-review',
          201,
        ],
        [
          'finding review',
          () => ({
            method: 'POST',
            url: `/api/review/cases/${caseId}/findings/${key}/review`,
            payload: { action: 'override', verdict: 'warn', reason: '已取得占用批文' },
          }),
          reviewer,
          'finding.override',
          200,
        ],
        [
          'decision',
          () => ({
            method: 'POST',
            url: `/api/review/cases/${caseId}/decision`,
            payload: { decision: '有条件通过', conditions: ['补划永久基本农田'] },
          }),
          reviewer,
          'case.decide',
          200,
        ],
        [
          'withdraw',
          () => ({ method: 'POST', url: `/api/review/cases/${caseId}/withdraw`, payload: { reason: '条件有误' } }),
          reviewer,
          'case.withdraw',
          200,
        ],
        [
          'decision again',
          () => ({ method: 'POST', url: `/api/review/cases/${caseId}/decision`, payload: { decision: '不通过' } }),
          reviewer,
          'case.decide',
          200,
        ],
        ['sign', () => ({ method: 'POST', url: `/api/review/cases/${caseId}/sign` }), reviewer, 'case.sign', 200],
        [
          'consistency',
          () => ({ method: 'POST', url: '/api/review/consistency', payload: { a: 'YJJBNT', b: 'CZKFBJ' } }),
          reviewer,
          'consistency.run',
          201,
        ],
        [
          'user add',
          () => ({ method: 'POST', url: '/api/users', payload: { username: 'zhang', role: 'inspector', password: 'inspector pw 1' } }),
          admin,
          'user.add',
          201,
        ],
        [
          'user change',
          () => ({ method: 'PATCH', url: '/api/users/zhang', payload: { role: 'district', districts: ['330106'] } }),
          admin,
          'user.update',
          200,
        ],
        [
          'token',
          () => ({ method: 'POST', url: '/api/tokens', payload: { username: 'zhang', name: '巡查终端' } }),
          admin,
          'token.create',
          201,
        ],
        ['token revoke', () => ({ method: 'DELETE', url: `/api/tokens/${tokenId}` }), admin, 'token.revoke', 200],
        [
          'log-in',
          () => ({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhang', password: 'inspector pw 1' } }),
          {},
          'auth.login',
          200,
        ],
      ];
      for (const [what, req, who, action, status] of writes) {
        const from = await lastId();
        const o = req();
        const r = await app.inject({ ...o, headers: { ...(o.headers as Record<string, string> | undefined), ...who } });
        assert.equal(r.statusCode, status, `${what}: ${r.body.slice(0, 300)}`);
        if (what === 'submission') {
          caseId = r.json().id;
          key = r.json().findings.find((f: { machineVerdict: string }) => f.machineVerdict === 'fail').key;
        }
        if (what === 'token') tokenId = r.json().id;
        const entries = (
          await h.db.query<{ actor: string; action: string; entity: string; entity_id: string | null; at: Date }>(
            'SELECT actor, action, entity, entity_id, at FROM audit_log WHERE id > $1 ORDER BY id',
            [from],
          )
        ).rows;
        const e = entries.find((x) => x.action === action);
        assert.ok(e, `${what}: no ${action} entry; got ${entries.map((x) => x.action).join(', ')}`);
        const actor = who === admin ? '审计管理员' : who === reviewer ? '李审查' : 'zhang';
        assert.equal(e.actor, actor, what);
        assert.ok(e.entity && e.at, what);
      }
      // The decision entry holds before and after.
      const d = (
        await h.db.query<{ before: { status: string }; after: { decision: string } }>(
          `SELECT before, after FROM audit_log WHERE action = 'case.decide' ORDER BY id DESC LIMIT 1`,
        )
      ).rows[0];
      assert.equal(d.after.decision, '不通过');
      assert.ok(d.before);
    });

    test('nobody can change or delete an entry, not even with SQL', async () => {
      const n = await lastId();
      await assert.rejects(h.db.query('UPDATE audit_log SET actor = $1 WHERE id = $2', ['someone', n]), /append-only/);
      await assert.rejects(h.db.query('DELETE FROM audit_log WHERE id = $1', [n]), /append-only/);
      await assert.rejects(h.db.exec('TRUNCATE audit_log'), /append-only/);
      assert.equal(await lastId(), n);
    });

    test('administrators browse with filters and page, and export CSV (Excel, UTF-8 BOM) and JSON lines', async () => {
      const page = (await app.inject({ url: '/api/audit?limit=3', headers: admin })).json();
      assert.equal(page.entries.length, 3);
      assert.ok(page.entries[0].id > page.entries[2].id, 'newest first');
      const next = (await app.inject({ url: page.next, headers: admin })).json();
      assert.ok(next.entries[0].id < page.entries[2].id, 'the next page continues below');
      const cases = (await app.inject({ url: '/api/audit?action=case.*&actor=' + encodeURIComponent('李审查'), headers: admin })).json()
        .entries as { action: string; actor: string }[];
      assert.ok(cases.length >= 4 && cases.every((e) => e.action.startsWith('case.') && e.actor === '李审查'));
      const csv = await app.inject({ url: '/api/audit/export?format=csv', headers: admin });
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="onemap-audit-\d{4}-\d{2}-\d{2}\.csv"/);
      assert.ok(csv.body.startsWith('\ufeff编号,时间(UTC),操作人,操作'));
      const total = (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
      const jsonl = (await app.inject({ url: '/api/audit/export?format=jsonl', headers: admin })).body.trim().split('\n');
      assert.ok(jsonl.length >= total - 1 && jsonl.length <= total, 'every entry exported (the export itself is a read)');
      assert.ok(JSON.parse(jsonl[0]).action);
    });
  });
}
