// The farmland API over HTTP: which roles may call which endpoints (everyone signed in reads;
// planners store 多田套合 runs and sign agreements; planners and district officers register lots,
// 进出平衡 and projects; reviewers and district officers approve occupations; inspectors take
// alerts in; inspectors and district officers work cases; administrators set targets and
// settings), district officers kept to their districts, every write in the audit trail, the error
// shape of refusals, and the 多田套合 run with its missing patches as GeoJSON.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, E0, N0, EAST, WEST } from './helpers/city.ts';
import { memoryReader } from './helpers/memory-reader.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock } from '../src/util/clock.ts';
import type { Db } from '../src/db/index.ts';

type Role = 'anonymous' | 'admin' | 'planner' | 'reviewer' | 'inspector' | 'district';
const ROLES: Role[] = ['anonymous', 'admin', 'planner', 'reviewer', 'inspector', 'district'];

for (const t of testDatabases()) {
  describe(`farmland API: access, district scope, audit (${t.name})`, () => {
    let db: Db;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    const headers: Partial<Record<Role, Record<string, string>>> = {};
    const call = async (role: Role, method: InjectOptions['method'], url: string, payload?: unknown) => {
      const r = await app.inject({
        method,
        url,
        payload: payload as InjectOptions['payload'],
        headers: { ...(headers[role] ?? {}), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      });
      return { status: r.statusCode, body: r.body, json: () => r.json(), type: String(r.headers['content-type']) };
    };
    const lonlat = async (x: number, y: number) =>
      JSON.parse(
        (
          await db.query<{ j: string }>(`SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4549), 4490), 12) AS j`, [
            E0 + x,
            N0 + y,
          ])
        ).rows[0].j,
      );
    const square = async (x0: number, y0: number, x1: number, y1: number) =>
      JSON.parse(
        (
          await db.query<{ j: string }>(`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4549), 4490), 12) AS j`, [
            E0 + x0,
            N0 + y0,
            E0 + x1,
            N0 + y1,
          ])
        ).rows[0].j,
      );
    const auditCount = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'farmland.%'`)).rows[0].n;

    before(async () => {
      const h = await t.open();
      ({ db, close } = h);
      const config = { ...h.config, clock: fixedClock('2026-06-30') };
      await loadCity(db, config);
      const load = (layer: string, feats: { fid: string; geometry: ReturnType<typeof sq> }[]) =>
        importFromReader(db, config, memoryReader(feats, { srid: 4549 }), { layer, user: 'test' });
      // loadCity's permanent farmland YJ1 = [-4000,-3000]×[3000,4000] (WEST): half high-standard, all grain zone.
      await load('GBZNT', [{ fid: 'G1', geometry: sq(-4000, 3000, -3000, 3500) }]);
      await load('LSSCGNQ', [{ fid: 'L1', geometry: sq(-4000, 3000, -3000, 4000) }]);
      app = await buildApp({ db, config });
      for (const r of ROLES) if (r !== 'anonymous') headers[r] = await authHeaders(db, r, r === 'district' ? { districts: [WEST] } : {});
    });
    after(async () => {
      await app?.close();
      await close();
    });

    test('who may call what: 401 anonymous, 403 other roles, the rest get through', async () => {
      const caseId = async () =>
        (
          await call('admin', 'POST', '/api/farmland/alerts', {
            source: 'camera',
            observedAt: '2026-06-30T08:00:00+08:00',
            geometry: await lonlat(-2500, 2500),
          })
        ).json().caseId;
      let n = 0;
      const project = async () => ({
        code: `P-${++n}`,
        name: '整治项目',
        district: WEST,
        startYear: 2026,
        areas: [{ kind: 'project', geometry: await square(-2500, 2000, -2400, 2100) }],
      });
      const matrix: {
        method: InjectOptions['method'];
        url: string | (() => Promise<string>);
        body?: () => Promise<unknown>;
        allowed: Role[];
      }[] = [
        { method: 'GET', url: '/api/farmland/accounts', allowed: ['admin', 'planner', 'reviewer', 'inspector', 'district'] },
        { method: 'GET', url: '/api/farmland/taohe', allowed: ['admin', 'planner', 'reviewer', 'inspector', 'district'] },
        { method: 'GET', url: '/api/farmland/ledger', allowed: ['admin', 'planner', 'reviewer', 'inspector', 'district'] },
        { method: 'GET', url: '/api/farmland/cases', allowed: ['admin', 'planner', 'reviewer', 'inspector', 'district'] },
        { method: 'GET', url: '/api/farmland/projects', allowed: ['admin', 'planner', 'reviewer', 'inspector', 'district'] },
        { method: 'POST', url: '/api/farmland/taohe/runs', body: async () => ({}), allowed: ['admin', 'planner'] },
        {
          method: 'PUT',
          url: '/api/farmland/targets',
          body: async () => ({
            code: 'GDBYL',
            region: WEST,
            year: 2035,
            kind: 'target',
            name_zh: '耕地保有量',
            value: 10,
            unit: '万亩',
            source: '分解下达（测试）',
          }),
          allowed: ['admin'],
        },
        { method: 'PUT', url: '/api/farmland/settings/patrol', body: async () => ({ mergeDistanceM: 30 }), allowed: ['admin'] },
        {
          method: 'POST',
          url: '/api/farmland/ledger/compensations',
          body: async () => ({ district: WEST, grade: 5, areaMu: 100, source: '垦造项目', year: 2026 }),
          allowed: ['admin', 'planner', 'district'],
        },
        {
          method: 'POST',
          url: '/api/farmland/ledger/occupations',
          body: async () => ({ district: WEST, grade: 6, areaMu: 1, project: '道路', year: 2026 }),
          allowed: ['admin', 'reviewer', 'district'],
        },
        {
          method: 'POST',
          url: '/api/farmland/ledger/agreements',
          body: async () => ({ fromDistrict: WEST, toDistrict: EAST, quotaType: 'farmland', areaMu: 1, signedOn: '2026-06-01' }),
          allowed: ['admin', 'planner'],
        },
        {
          method: 'POST',
          url: '/api/farmland/ledger/inout',
          body: async () => ({ district: WEST, year: 2026, direction: 'in', areaMu: 1 }),
          allowed: ['admin', 'planner', 'district'],
        },
        {
          method: 'POST',
          url: '/api/farmland/alerts',
          body: async () => ({ source: 'drone', observedAt: '2026-06-30T09:00:00+08:00', geometry: await lonlat(-1000, -1000) }),
          allowed: ['admin', 'inspector'],
        },
        {
          method: 'POST',
          url: async () => `/api/farmland/cases/${await caseId()}/actions`,
          body: async () => ({ action: 'assign', assignee: '田长' }),
          allowed: ['admin', 'inspector', 'district'],
        },
        { method: 'POST', url: '/api/farmland/projects', body: project, allowed: ['admin', 'planner', 'district'] },
        { method: 'POST', url: '/api/farmland/projects/1/checks', allowed: ['admin', 'planner', 'reviewer', 'district'] },
      ];
      const problems: string[] = [];
      for (const e of matrix) {
        for (const role of ROLES) {
          const url = typeof e.url === 'string' ? e.url : await e.url();
          const body = e.body ? await e.body() : undefined;
          const before = await auditCount();
          const r = await call(role, e.method, url, body);
          const expected = e.allowed.includes(role) ? 'through' : role === 'anonymous' ? 401 : 403;
          const got = r.status === 401 || r.status === 403 ? r.status : 'through';
          if (got !== expected) problems.push(`${role} ${e.method} ${url}: expected ${expected}, got ${r.status} ${r.body.slice(0, 200)}`);
          else if (got === 'through' && r.status >= 400)
            problems.push(`${role} ${e.method} ${url}: allowed but ${r.status} ${r.body.slice(0, 200)}`);
          if (e.method !== 'GET') {
            const grew = (await auditCount()) > before;
            if (r.status < 300 && !grew) problems.push(`${role} ${e.method} ${url}: a write without an audit entry`);
            if (r.status >= 400 && grew) problems.push(`${role} ${e.method} ${url}: refused (${r.status}) but audited`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });

    test('district officers stay in their districts', async () => {
      const east = await call('district', 'POST', '/api/farmland/ledger/compensations', {
        district: EAST,
        grade: 5,
        areaMu: 1,
        source: 'x',
        year: 2026,
      });
      assert.equal(east.status, 403);
      assert.equal(east.json().code, 'outside_districts');
      const eastCase = (
        await call('inspector', 'POST', '/api/farmland/alerts', {
          source: 'camera',
          observedAt: '2026-06-30T10:00:00+08:00',
          geometry: await lonlat(2500, -2500),
        })
      ).json().caseId;
      const act = await call('district', 'POST', `/api/farmland/cases/${eastCase}/actions`, { action: 'assign', assignee: 'x' });
      assert.equal(act.status, 403);
      assert.equal(
        (await call('district', 'GET', `/api/farmland/cases/${eastCase}`)).status,
        404,
        'a case outside the districts does not exist for them',
      );
      const mine = (await call('district', 'GET', '/api/farmland/cases')).json() as { district: string }[];
      assert.ok(mine.length > 0 && mine.every((c) => c.district === WEST));
      const all = (await call('inspector', 'GET', '/api/farmland/cases')).json() as { district: string }[];
      assert.ok(all.some((c) => c.district === EAST));
      const led = (await call('district', 'GET', '/api/farmland/ledger')).json() as { balances: { district: string }[] };
      assert.ok(led.balances.every((b) => b.district === WEST));
      const acc = (await call('district', 'GET', '/api/farmland/accounts')).json() as { byDistrict: { code: string }[] };
      assert.deepEqual(
        acc.byDistrict.map((d) => d.code),
        [WEST],
      );
    });

    test('refusals keep the error shape: illegal transition, short balance, bad input', async () => {
      const c = (
        await call('inspector', 'POST', '/api/farmland/alerts', {
          source: 'patrol',
          observedAt: '2026-06-30T11:00:00+08:00',
          geometry: await lonlat(-3500, -3500),
        })
      ).json().caseId;
      const r = await call('inspector', 'POST', `/api/farmland/cases/${c}/actions`, { action: 'complete', note: '已整改' });
      assert.equal(r.status, 409);
      const b = r.json();
      assert.deepEqual([b.statusCode, b.code], [409, 'illegal_transition']);
      assert.match(b.error, /待派发/);
      assert.deepEqual(b.problems, [{ current: 'new', requested: 'complete', allowed: ['assign'] }]);
      const short = await call('reviewer', 'POST', '/api/farmland/ledger/occupations', {
        district: WEST,
        grade: 6,
        areaMu: 100000,
        project: '大项目',
        year: 2026,
      });
      assert.equal(short.status, 409);
      assert.equal(short.json().code, 'insufficient_balance');
      const bad = await call('planner', 'POST', '/api/farmland/ledger/compensations', {
        district: WEST,
        grade: 0,
        areaMu: 1,
        source: 'x',
        year: 2026,
      });
      assert.equal(bad.status, 400);
      assert.match(bad.json().error, /grade/);
    });

    test('多田套合 run over HTTP: the missing patches as GeoJSON, district-scoped', async () => {
      const run = await call('planner', 'POST', '/api/farmland/taohe/runs', { note: '测试' });
      assert.equal(run.status, 201);
      const r = run.json();
      assert.equal(r.note, '测试');
      // YJ1 = 1,000,000 m²: high-standard on its southern half, all in the grain zone → 50 %.
      assert.ok(Math.abs(r.city.ratePercent - 50) < 1e-3, `rate ${r.city.ratePercent}`);
      const gj = await call('planner', 'GET', `/api/farmland/taohe/runs/${r.runId}/missing?kind=GBZNT`);
      assert.equal(gj.status, 200);
      assert.match(gj.type, /application\/geo\+json/);
      const fc = JSON.parse(gj.body);
      assert.equal(fc.features.length, 1);
      assert.ok(Math.abs(fc.features[0].properties.MJ - 500000) < 1, `the northern half, 500,000 m², got ${fc.features[0].properties.MJ}`);
      assert.equal(fc.features[0].properties.XZQDM, WEST);
      const none = JSON.parse((await call('planner', 'GET', `/api/farmland/taohe/runs/${r.runId}/missing?kind=LSSCGNQ`)).body);
      assert.equal(none.features.length, 0);
      const bad = await call('planner', 'GET', `/api/farmland/taohe/runs/${r.runId}/missing?kind=XYZ`);
      assert.equal(bad.status, 400);
      const listed = (await call('reviewer', 'GET', '/api/farmland/taohe/runs')).json();
      assert.ok(listed.some((x: { runId: number }) => x.runId === r.runId));
    });
  });
}
