// The land lifecycle's response schemas strip nothing (decision 0007): every lifecycle route is
// called over HTTP through a small story — a land code with its events, a batch cleared and
// disposed, the year's rules and facts, an inefficient case worked, an idle case raised and worked,
// a resettlement project located and started, the warnings, board, ledgers and nightly run — and
// each JSON answer must go out exactly as its handler returned it (fast-json-stringify drops
// properties a closed schema does not name and turns null into "" or 0 where null is not allowed).
// Embedded PGlite only: this is about the contract, not the database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import { sq, loadCity, EAST } from './helpers/city.ts';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock } from '../src/util/clock.ts';

interface Exchange {
  method: string;
  url: string;
  status: number;
  returned: string;
  sent: string;
}

const tdb = testDatabases().find((d) => d.name === 'pglite') ?? testDatabases()[0];

describe(`lifecycle responses strip nothing on ${tdb.name}`, () => {
  let h: Awaited<ReturnType<typeof tdb.open>>;
  let app: FastifyInstance;
  const exchanges: Exchange[] = [];
  const clock = fixedClock('2026-03-02');
  const g = (x0: number, y0: number, x1: number, y1: number) => ({ geometry: sq(x0, y0, x1, y1), srid: 4549 });

  before(async () => {
    h = await tdb.open();
    await loadCity(h.db, h.config);
    const returned = new WeakMap<object, string>();
    const onInit = (message: unknown) => {
      const fastify = (message as { fastify: FastifyInstance }).fastify;
      fastify.addHook('preSerialization', async (req, _reply, payload) => {
        returned.set(req, JSON.stringify(payload));
        return payload;
      });
      fastify.addHook('onSend', async (req, reply, payload) => {
        const r = returned.get(req);
        if (r !== undefined && typeof payload === 'string')
          exchanges.push({ method: req.method, url: req.url, status: reply.statusCode, returned: r, sent: payload });
        return payload;
      });
    };
    diagnostics.subscribe('fastify.initialization', onInit);
    try {
      app = await buildApp({ db: h.db, config: { ...h.config, clock } });
    } finally {
      diagnostics.unsubscribe('fastify.initialization', onInit);
    }
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await h.close();
  });

  test('every lifecycle route answers exactly what its handler returned', async () => {
    const admin = await authHeaders(h.db, 'admin');
    const planner = await authHeaders(h.db, 'planner');
    const call = async (method: string, url: string, payload?: unknown, headers = planner) => {
      const r = await app.inject({ method: method as 'GET', url: `/api/lifecycle${url}`, payload: payload as object, headers });
      assert.ok(r.statusCode < 300, `${method} ${url} → ${r.statusCode}: ${r.body}`);
      return r.json();
    };

    // 土地码: register, approval in a batch, supply, permits, works, progress; reads.
    const batch = await call('POST', '/unsupplied/batches', {
      batchNo: 'PC-C-1',
      name: '契约批次',
      approvalNo: '浙政土〔2024〕9号',
      approvalType: '征收',
      approvedOn: '2024-03-01',
      district: EAST,
      ...g(4500, -4500, 4800, -4400),
    });
    const p = await call('POST', '/parcels', { name: '契约地块 A', landUse: '工业用地', ...g(4500, -4500, 4600, -4400) });
    const code = p.landCode as string;
    await call('POST', `/parcels/${code}/events`, {
      kind: 'approval',
      date: '2024-03-01',
      docNo: '浙政土〔2024〕9号',
      details: { approvalType: '征收', batchNo: 'PC-C-1' },
      documents: [{ name: '批复', url: 'https://example.org/pf.pdf' }],
    });
    await call('POST', `/parcels/${code}/events`, {
      kind: 'supply',
      date: '2024-04-01',
      docNo: 'HT-C-A',
      details: {
        method: '出让',
        priceYuan: 2e6,
        agreedStart: '2024-06-01',
        agreedCompletion: '2026-06-01',
        totalInvestmentYuan: 8e6,
        planningConditions: { far: 1.1 },
      },
    });
    await call('GET', `/parcels/${code}`);
    await call('GET', `/parcels/${code}/timeline`);
    await call('GET', `/parcels?district=${EAST}&limit=5`);
    await call('GET', '/context');

    // 批而未供: clearing workflow, a disposal, the year's task.
    await call('GET', `/unsupplied/batches/${batch.id}`);
    await call('GET', '/unsupplied/batches');
    await call('POST', `/unsupplied/batches/${batch.id}/transition`, { to: 'mapped' });
    await call('POST', `/unsupplied/batches/${batch.id}/transition`, { to: 'disposing', note: '处置' });
    await call('POST', `/unsupplied/batches/${batch.id}/disposals`, { date: '2025-01-10', mode: '核减', areaM2: 100, docNo: '核减-1' });
    await call('PUT', `/unsupplied/tasks/2025/${EAST}`, { taskM2: 5000 }, admin);

    // 低效用地: rules, facts, nightly (candidates and idle cases), the case worked.
    await call(
      'PUT',
      '/inefficient/rules/2025',
      {
        rules: [
          { code: 'far', name: '工业用地容积率低于 1.2', kind: 'far-below', threshold: 1.2, industrialOnly: true },
          { code: 'vacant', name: '厂房空置', kind: 'vacant', note: null },
        ],
      },
      admin,
    );
    await call('GET', '/inefficient/rules?year=2025');
    await call('GET', '/inefficient/modes');
    await call('POST', '/inefficient/facts/2025', { source: '测试', facts: [{ landCode: code, far: 0.8, taxYuan: null, vacant: true }] });
    const run = await call('POST', '/nightly', {}, admin);
    assert.ok(run.idleCandidates >= 1, 'the parcel not started a year after its agreed start is a candidate');
    const ineff = await call('GET', '/inefficient/cases');
    assert.ok(ineff.length >= 1);
    await call('GET', `/inefficient/cases/${ineff[0].id}`);
    await call('POST', `/inefficient/cases/${ineff[0].id}/transition`, { to: 'confirmed', note: '现场调查确认' });

    // 闲置土地.
    const idle = await call('GET', `/idle-cases?landCode=${code}`);
    assert.equal(idle.length, 1);
    await call('GET', `/idle-cases/${idle[0].id}`);
    await call('POST', `/idle-cases/${idle[0].id}/transition`, { to: 'investigation', noticeNo: '闲调〔2026〕1号' });

    // 征收–安置.
    const pr = await call('POST', '/resettlement/projects', {
      code: 'ZS-C-1',
      name: '契约征收项目',
      district: EAST,
      households: 10,
      ...g(4600, -4500, 4700, -4400),
    });
    await call('PUT', `/resettlement/projects/${pr.id}/plot`, { plotName: '契约安置地块', ...g(4700, -4500, 4800, -4400) });
    await call('POST', `/resettlement/projects/${pr.id}/transition`, { to: 'started', date: '2026-03-02' });
    await call('GET', `/resettlement/projects/${pr.id}`);
    await call('GET', '/resettlement/projects');

    // 预警、台账.
    await call('GET', '/warnings?open=false');
    await call('GET', '/warnings/board');
    await call('GET', '/ledgers/2025');
    await call('GET', `/ledgers/2024?district=${EAST}`);

    const lifecycle = exchanges.filter((e) => e.url.startsWith('/api/lifecycle'));
    assert.ok(lifecycle.length >= 34, `expected every call recorded, got ${lifecycle.length}`);
    for (const e of lifecycle) {
      assert.deepStrictEqual(
        JSON.parse(e.sent),
        JSON.parse(e.returned),
        `${e.method} ${e.url} → ${e.status}: the response schema changed the body`,
      );
    }
  });
});
