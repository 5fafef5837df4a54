// Early warning at the band edges: the pure assessment (progress against time elapsed, yearly tasks,
// levels, hard floors, configurable bands, baselines), then end to end on every test database —
// an indicator defined through the API over a statistic, alerts raised, escalated, acknowledged
// with notes and resolved as the figure moves, the responsible department, district officers kept
// to their districts, and the webhook POSTed to a local HTTP server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadLayer, sq, WEST, EAST } from './helpers/indicators-city.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock } from '../src/util/clock.ts';
import { assess, elapsedShare } from '../src/indicators/warning.ts';
import type { IndicatorDef, Target } from '../src/indicators/types.ts';

const BANDS = { green: 1, yellow: 0.8 };
const def = (o: Partial<IndicatorDef>): IndicatorDef => ({
  code: 'T',
  name: '测试指标',
  dimension: '绿色',
  definition: 'x',
  kind: 'statistic',
  params: {},
  unit: '亩',
  decimals: 0,
  better: 'higher',
  regionLevels: ['city'],
  period: 'year',
  aggregate: 'annual',
  warning: { mode: 'level' },
  ...o,
});
const target = (o: Partial<Target>): Target => ({
  indicator: 'T',
  region: '330100',
  regionName: '杭州市',
  year: 2027,
  value: 100,
  bound: 'min',
  hard: false,
  baseYear: null,
  baseline: null,
  source: 't',
  ...o,
});
const level = (d: IndicatorDef, t: Target, v: number, year: number, today: string, baseYearValue: number | null = null, bands = BANDS) =>
  assess(d, t, v, { year, today, bands, floorMargin: 0.01, baseYearValue }).level;

describe('warning levels at the band edges (pure)', () => {
  test('progress against time elapsed: 47,000 亩 by 2027 counted from 2026; 2026 is half the time', () => {
    // 2026-01-01 … 2027-12-31 is 730 days; by 2026-12-31, 365 have passed: 0.5.
    assert.equal(elapsedShare('2026-01-01', '2027-12-31', '2026-12-31'), 0.5);
    const d = def({ aggregate: 'cumulative', baseYear: 2025, warning: { mode: 'progress' } });
    const t = target({ value: 47000, baseYear: 2025 });
    // Green needs progress ≥ 1.0 × 0.5 = 23,500 亩; yellow ≥ 0.8 × 0.5 = 18,800 亩.
    assert.equal(level(d, t, 23500, 2026, '2027-03-01'), 'green');
    assert.equal(level(d, t, 23499, 2026, '2027-03-01'), 'yellow');
    assert.equal(level(d, t, 18800, 2026, '2027-03-01'), 'yellow');
    assert.equal(level(d, t, 18799, 2026, '2027-03-01'), 'red');
    const a = assess(d, t, 18800, { year: 2026, today: '2027-03-01', bands: BANDS, floorMargin: 0.01 });
    assert.equal(a.progress, 0.4);
    assert.equal(a.elapsed, 0.5);
    assert.match(a.reason, /累计 18,800 亩，完成 2027 年目标 ≥47,000 亩 的 40\.0%，时间进度 50\.0%/);
    // Before the period starts there is nothing to judge.
    assert.equal(assess(d, t, 0, { year: 2025, today: '2026-06-30', bands: BANDS, floorMargin: 0.01 }).status, 'not-started');
  });

  test('yearly tasks against the share of the year: 14 March 2026 is day 73 of 365 = 0.2', () => {
    const d = def({ unit: '%', decimals: 1, warning: { mode: 'annual' } });
    const t = target({ value: 100 });
    assert.equal(level(d, t, 20, 2026, '2026-03-14'), 'green');
    assert.equal(level(d, t, 19.9, 2026, '2026-03-14'), 'yellow');
    assert.equal(level(d, t, 16, 2026, '2026-03-14'), 'yellow');
    assert.equal(level(d, t, 15.9, 2026, '2026-03-14'), 'red');
    // A past year is judged at its end: anything short of 100% is behind.
    assert.equal(level(d, t, 99.9, 2025, '2026-03-14'), 'yellow');
    assert.equal(level(d, t, 100, 2025, '2026-03-14'), 'green');
  });

  test('levels: ≥ 62.5% and ≤ 10 m²/万元, the band edges on both sides', () => {
    const share = def({ unit: '%', decimals: 1 });
    const t = target({ value: 62.5 });
    assert.equal(level(share, t, 62.5, 2026, '2026-06-30'), 'green');
    assert.equal(level(share, t, 62.4, 2026, '2026-06-30'), 'yellow');
    assert.equal(level(share, t, 50, 2026, '2026-06-30'), 'yellow'); // 50 / 62.5 = 0.8
    assert.equal(level(share, t, 49.9, 2026, '2026-06-30'), 'red');
    const land = def({ unit: 'm²/万元', decimals: 1, better: 'lower' });
    const cap = target({ value: 10, bound: 'max' });
    assert.equal(level(land, cap, 10, 2026, '2026-06-30'), 'green');
    assert.equal(level(land, cap, 10.1, 2026, '2026-06-30'), 'yellow');
    assert.equal(level(land, cap, 12.5, 2026, '2026-06-30'), 'yellow'); // 10 / 12.5 = 0.8
    assert.equal(level(land, cap, 12.6, 2026, '2026-06-30'), 'red');
    // The value is judged as reported (to its decimals): 1.49996 prints as 1.50 and meets ≥ 1.5.
    assert.equal(level(def({ unit: '', decimals: 2 }), target({ value: 1.5 }), 1.49996, 2026, '2026-06-30'), 'green');
  });

  test('a hard floor is red at once below the target and yellow within the margin above it', () => {
    const d = def({ unit: '万亩', decimals: 2 });
    const t = target({ value: 174.4, year: 2035, hard: true });
    assert.equal(level(d, t, 174.39, 2026, '2026-06-30'), 'red');
    assert.equal(level(d, t, 174.4, 2026, '2026-06-30'), 'yellow'); // on the floor: within 1%
    assert.equal(level(d, t, 176.14, 2026, '2026-06-30'), 'yellow'); // < 174.40 × 1.01 = 176.144
    assert.equal(level(d, t, 176.15, 2026, '2026-06-30'), 'green');
    assert.match(assess(d, t, 150, { year: 2026, today: '2026-06-30', bands: BANDS, floorMargin: 0.01 }).reason, /突破底线/);
  });

  test('configurable bands, and progress from a base-year value (coverage raised from 80% to 84%)', () => {
    const d = def({ unit: '%', decimals: 1, baseYear: 2025, warning: { mode: 'progress', baseline: 'base-year-value' } });
    const t = target({ value: 84, baseYear: 2025 });
    // Half the time gone: green from 82.0 (half of the 4 points), yellow from 81.6 (0.8 × 0.5 × 4 = 1.6).
    assert.equal(level(d, t, 82.0, 2026, '2027-02-01', 80), 'green');
    assert.equal(level(d, t, 81.9, 2026, '2027-02-01', 80), 'yellow');
    assert.equal(level(d, t, 81.6, 2026, '2027-02-01', 80), 'yellow');
    assert.equal(level(d, t, 81.5, 2026, '2027-02-01', 80), 'red');
    assert.equal(level(d, t, 81.5, 2026, '2027-02-01', 80, { green: 0.7, yellow: 0.5 }), 'green'); // 0.75 ≥ 0.7
    // Without a base-year value the indicator falls back to its level against the target, and says so.
    const a = assess(d, t, 84, { year: 2026, today: '2027-02-01', bands: BANDS, floorMargin: 0.01, baseYearValue: null });
    assert.equal(a.mode, 'level');
    assert.match(a.reason, /缺少 2025 年基期值/);
  });
});

for (const tdb of testDatabases()) {
  describe(`alerts, acknowledgement and the webhook (${tdb.name})`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let planner: Record<string, string>;
    let west: Record<string, string>;
    let hook: Server;
    const received: {
      headers: Record<string, unknown>;
      body: { event: string; alert: { level: string; indicator: string; region: string; department: string } };
    }[] = [];
    const clock = fixedClock('2027-03-01');
    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = admin) => {
      const r = await app.inject({ method, url, payload: payload as object, headers });
      return { status: r.statusCode, json: () => r.json(), body: r.body };
    };
    /** Sets the 2026 figure (亩) for the city and 西湖区, computes 2026, returns the city's level. */
    const run = async (city: number, district = 3000) => {
      assert.equal(
        (
          await call('PUT', '/api/indicators/statistics', {
            items: [
              { code: 'PHTEST', region: '330100', year: 2026, value: city },
              { code: 'PHTEST', region: WEST, year: 2026, value: district },
            ],
          })
        ).status,
        200,
      );
      const r = await call('POST', '/api/indicators/compute', { year: 2026, indicators: ['PHTEST'] }, planner);
      assert.equal(r.status, 201, r.body);
      return r.json();
    };

    before(async () => {
      h = await tdb.open();
      await loadLayer(h.db, h.config, 'XZQ', [
        { fid: WEST, geometry: sq(-5000, -5000, 0, 5000), props: { XZQDM: WEST, XZQMC: '西湖区' } },
        { fid: EAST, geometry: sq(0, -5000, 5000, 5000), props: { XZQDM: EAST, XZQMC: '余杭区' } },
      ]);
      hook = createServer((req, res) => {
        let data = '';
        req.on('data', (c) => {
          data += c;
        });
        req.on('end', () => {
          received.push({ headers: req.headers, body: JSON.parse(data) });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      app = await buildApp({ db: h.db, config: { ...h.config, clock } });
      admin = await authHeaders(h.db, 'admin');
      planner = await authHeaders(h.db, 'planner');
      west = await authHeaders(h.db, 'district', { districts: [WEST] });
      // An indicator defined through the API: a cumulative figure entered as a statistic, 47,000 亩 by 2027.
      const d = await call('PUT', '/api/indicators/definitions/PHTEST', {
        name: '盘活存量（测试）',
        dimension: '绿色',
        definition: '按统计数录入的年度盘活面积',
        kind: 'statistic',
        params: { statistic: 'PHTEST' },
        unit: '亩',
        decimals: 0,
        better: 'higher',
        regionLevels: ['city', 'district'],
        period: 'year',
        aggregate: 'cumulative',
        baseYear: 2025,
        warning: { mode: 'progress' },
        department: '市规划和自然资源局 自然资源开发利用处',
      });
      assert.equal(d.status, 200, d.body);
      for (const t of [
        { region: '330100', value: 47000 },
        { region: WEST, value: 6000 },
      ]) {
        const r = await call('PUT', '/api/indicators/targets', {
          indicator: 'PHTEST',
          ...t,
          year: 2027,
          baseYear: 2025,
          source: '测试分解',
        });
        assert.equal(r.status, 200, r.body);
      }
      const port = (hook.address() as AddressInfo).port;
      const s = await call('PUT', '/api/indicators/settings/webhook', {
        url: `http://127.0.0.1:${port}/onemap-alerts`,
        enabled: true,
        minLevel: 'yellow',
      });
      assert.equal(s.status, 200, s.body);
    });
    after(async () => {
      await app.close();
      await h.close();
      await new Promise((r) => hook.close(r));
    });

    test('on schedule: green, no alert; 1 亩 short: yellow alert raised and posted to the webhook', async () => {
      let r = await run(23500);
      assert.equal(r.indicators[0].city.level, 'green');
      assert.equal(r.alerts.raised, 0);
      // 西湖区: 3,000 of 6,000 in half the time: green too.
      assert.equal(r.indicators[0].districts.find((d: { code: string }) => d.code === WEST).level, 'green');
      r = await run(23499);
      assert.equal(r.indicators[0].city.level, 'yellow');
      assert.equal(r.alerts.raised, 1);
      assert.deepEqual(
        r.webhook.map((w: { status: string }) => w.status),
        ['HTTP 204'],
      );
      assert.equal(received.length, 1);
      assert.equal(received[0].body.event, 'indicator.alert.raised');
      assert.equal(received[0].headers['content-type'], 'application/json; charset=utf-8');
      assert.deepEqual(
        [received[0].body.alert.indicator, received[0].body.alert.region, received[0].body.alert.level],
        ['PHTEST', '330100', 'yellow'],
      );
      assert.equal(received[0].body.alert.department, '市规划和自然资源局 自然资源开发利用处');
    });

    test('below 80% of schedule: escalated to red, posted again; the same level again is not re-posted', async () => {
      let r = await run(18799);
      assert.equal(r.indicators[0].city.level, 'red');
      assert.equal(r.alerts.escalated, 1);
      assert.equal(received.length, 2);
      assert.equal(received[1].body.event, 'indicator.alert.escalated');
      r = await run(18799);
      assert.equal(r.alerts.raised + r.alerts.escalated, 0);
      assert.equal(received.length, 2);
    });

    test('the department acknowledges with a note and adds another; a district officer sees only their district', async () => {
      const list = await call('GET', '/api/indicators/alerts?status=active&year=2026');
      assert.equal(list.status, 200);
      const a = list.json().items.find((x: { region: string }) => x.region === '330100');
      assert.equal(a.level, 'red');
      assert.equal(a.indicatorName, '盘活存量（测试）');
      assert.equal(a.webhookStatus, 'HTTP 204');
      assert.match(a.reason, /完成 2027 年目标/);
      const ack = await call('POST', `/api/indicators/alerts/${a.id}/acknowledge`, { note: '已约谈，列入二季度督办' }, planner);
      assert.equal(ack.status, 200, ack.body);
      assert.equal(ack.json().status, 'acknowledged');
      assert.equal((await call('POST', `/api/indicators/alerts/${a.id}/acknowledge`, {}, planner)).status, 409);
      const n = await call('POST', `/api/indicators/alerts/${a.id}/notes`, { body: '6 月底前完成 3 宗收储' }, planner);
      assert.equal(n.status, 201, n.body);
      assert.deepEqual(
        n.json().noteList.map((x: { body: string }) => x.body),
        ['已约谈，列入二季度督办', '6 月底前完成 3 宗收储'],
      );
      // 西湖区 officer: the city's alert is not theirs.
      assert.equal((await call('GET', `/api/indicators/alerts/${a.id}`, undefined, west)).status, 404);
      assert.equal((await call('POST', `/api/indicators/alerts/${a.id}/notes`, { body: 'x' }, west)).status, 404);
      // 西湖区 behind schedule (1,000 of 6,000 when half the time is gone): their alert, their branch bureau.
      await run(18799, 1000);
      const mine = await call('GET', '/api/indicators/alerts?status=active', undefined, west);
      assert.deepEqual(
        mine.json().items.map((x: { region: string }) => x.region),
        [WEST],
      );
      assert.match(mine.json().items[0].department, /^市规划和自然资源局西湖分局/);
    });

    test('back on schedule: resolved; bands changed by the administrator change the level; all audited', async () => {
      const r = await run(23500, 3000);
      assert.equal(r.alerts.resolved, 2);
      assert.equal((await call('GET', '/api/indicators/alerts?status=active')).json().total, 0);
      // With bands green 1.2: 23,500 is now behind (ratio 1.0 < 1.2) → yellow.
      assert.equal((await call('PUT', '/api/indicators/settings/warning', { bands: { green: 1.2, yellow: 0.8 } })).status, 200);
      assert.equal(
        (await call('PUT', '/api/indicators/settings/warning', { bands: { green: 0.5, yellow: 0.9 } })).status,
        400,
        'yellow above green is refused',
      );
      const again = await run(23500, 3000);
      assert.equal(again.indicators[0].city.level, 'yellow');
      const city = (await call('GET', '/api/indicators/alerts?status=resolved&region=330100')).json().items[0];
      const trail = await h.db.query<{ action: string }>(
        `SELECT action FROM audit_log WHERE entity = 'indicator_alert' AND entity_id = $1 ORDER BY id`,
        [String(city.id)],
      );
      assert.deepEqual(
        trail.rows.map((x) => x.action),
        [
          'indicators.alert.raise',
          'indicators.alert.webhook',
          'indicators.alert.escalate',
          'indicators.alert.webhook',
          'indicators.alert.acknowledge',
          'indicators.alert.note',
          'indicators.alert.resolve',
        ],
      );
      // Every other write of this test landed in the trail too: seven runs, each a statistics PUT and a compute.
      const actions = await h.db.query<{ action: string; n: number; actors: number }>(
        `SELECT action, count(*)::int AS n, count(DISTINCT actor)::int AS actors FROM audit_log WHERE action IN ('indicators.statistics', 'indicators.settings', 'indicators.definition.create', 'indicators.target.create', 'indicators.compute') GROUP BY action ORDER BY action`,
      );
      assert.deepEqual(
        actions.rows.map((r) => [r.action, r.n]),
        [
          ['indicators.compute', 7],
          ['indicators.definition.create', 1],
          ['indicators.settings', 2],
          ['indicators.statistics', 7],
          ['indicators.target.create', 2],
        ],
      );
    });
  });
}
