// Every shipped indicator computed on hand-made data, on every test database, against values worked
// out by hand (test/helpers/indicators-city.ts draws the layers; the lifecycle records are made
// below through the lifecycle services, with the clock moved by the test). Also: an indicator added
// through the registry without code, provenance kept with each value, the CLI's JSON, and bad
// definitions refused with the field named.
// Areas: a 100 m × 100 m square next to the central meridian ≈ 10,000 m² = 15 亩; 1 万亩 = 10,000 亩.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { loadIndicatorCity, loadAccessCity, sq, WEST, EAST } from './helpers/indicators-city.ts';
import { fixedClock, type ManualClock } from '../src/util/clock.ts';
import type { User } from '../src/auth/types.ts';
import { auditFor } from '../src/audit/audit.ts';
import { registerParcel, recordEvent } from '../src/lifecycle/landcode.ts';
import { runNightly } from '../src/lifecycle/rules.ts';
import { listIdleCases, transitionIdle } from '../src/lifecycle/idle.ts';
import { createBatch, transitionBatch, addDisposal, setDigestionTask } from '../src/lifecycle/unsupplied.ts';
import { saveFacts, listInefficientCases, transitionInefficient } from '../src/lifecycle/inefficient.ts';
import { accessContext, runCoverage } from '../src/access/access.service.ts';
import { ensureDefaults, putDefinition, getDefinition } from '../src/indicators/registry.ts';
import { putStatistics } from '../src/indicators/statistics.ts';
import { putReported } from '../src/indicators/values.ts';
import { computeYear, type RunResult } from '../src/indicators/compute.ts';
import { DEFAULTS } from '../src/indicators/registry.ts';
import { STATUS } from '../src/server/errors.ts';
import type { ErrorKind } from '../src/errors.ts';

const ADMIN: User = { id: null, username: '王管理', name: '王管理', role: 'admin', districts: [], via: 'cli' };
const MU = 15 / 10000; // 亩 per m²
const close = (a: number | null | undefined, e: number, what: string, rel = 1e-3) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - e) <= Math.max(1e-9, Math.abs(e) * rel), `${what}: expected ≈${e}, got ${a}`);

for (const tdb of testDatabases()) {
  describe(`indicators computed on hand-made data (${tdb.name})`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let clock: ManualClock;
    let run: RunResult;
    const g = (x0: number, y0: number, x1: number, y1: number) => ({ geometry: sq(x0, y0, x1, y1), srid: 4549 });
    const ind = (code: string) => {
      const i = run.indicators.find((x) => x.code === code);
      assert.ok(i, `indicator ${code} in the run`);
      return { city: i.city, w: i.districts.find((d) => d.code === WEST)!, e: i.districts.find((d) => d.code === EAST)!, def: i };
    };

    before(async () => {
      h = await tdb.open();
      await loadIndicatorCity(h.db, h.config);
      await loadAccessCity(h.db, h.config);
      clock = fixedClock('2025-03-10');
      const cfg = { ...h.config, clock };

      // 批而未供: a batch of 40,000 m² approved 2025-03-01 in 余杭; in 2026 one parcel of it is supplied
      // (10,000 m²) and 10,000 m² are reduced (核减): 20,000 digested of a 1 January stock of 40,000.
      const b = await createBatch(
        h.db,
        clock,
        {
          batchNo: 'PC-2025-01',
          name: '余杭 2025 年第 1 批次',
          approvalNo: '浙政土〔2025〕11号',
          approvalType: '农转用',
          approvedOn: '2025-03-01',
          district: EAST,
          approvedM2: 40000,
        },
        ADMIN,
      );
      const p1 = await registerParcel(h.db, clock, { name: 'P1 批次内地块', landUse: '商服用地', ...g(1000, -4000, 1100, -3900) }, ADMIN);
      await recordEvent(
        h.db,
        clock,
        p1.landCode,
        { kind: 'approval', date: '2025-03-01', docNo: '浙政土〔2025〕11号', details: { approvalType: '农转用', batchNo: 'PC-2025-01' } },
        ADMIN,
      );
      await transitionBatch(h.db, clock, b.id, 'mapped', g(1100, -4000, 1400, -3900), ADMIN);
      await transitionBatch(h.db, clock, b.id, 'disposing', {}, ADMIN);

      // 闲置土地: two parcels in 西湖 supplied in 2024 with works due 2024-09-01; never started.
      clock.set('2024-06-01');
      const idle = [];
      for (const [name, x] of [
        ['P4 闲置', -4000],
        ['P5 闲置', -3800],
      ] as const) {
        const p = await registerParcel(h.db, clock, { name, ...g(x, -4000, x + 100, -3900) }, ADMIN);
        await recordEvent(
          h.db,
          clock,
          p.landCode,
          {
            kind: 'supply',
            date: '2024-06-01',
            docNo: `HT-${name}`,
            details: { method: '出让', priceYuan: 5_000_000, agreedStart: '2024-09-01', agreedCompletion: '2026-09-01' },
          },
          ADMIN,
        );
        idle.push(p.landCode);
      }
      // 低效用地: 200 m × 200 m = 40,000 m² = 60 亩 of industrial land in 余杭 with a low FAR.
      clock.set('2025-12-01');
      const p6 = await registerParcel(h.db, clock, { name: 'P6 低效厂区', landUse: '工业用地', ...g(2000, -4500, 2200, -4300) }, ADMIN);
      await saveFacts(h.db, 2025, [{ landCode: p6.landCode, far: 0.6, taxYuan: 3_000_000 }], '亩均效益评价 2025', ADMIN);
      clock.set('2025-09-02');
      await runNightly(h.db, clock); // both idle parcels become candidates (一年 after the agreed start, +1 day)
      for (const code of idle) {
        const [c] = await listIdleCases(h.db, clock, ADMIN, { landCode: code });
        await transitionIdle(h.db, clock, c.id, 'investigation', { noticeNo: `闲调-${code}` }, ADMIN);
        await transitionIdle(h.db, clock, c.id, 'determined', { determinationNo: `闲认-${code}` }, ADMIN);
      }
      clock.set('2026-01-05');
      await runNightly(h.db, clock); // the inefficient-land candidate from the 2025 facts
      const [ic] = await listInefficientCases(h.db, ADMIN, { status: 'identified' });
      await transitionInefficient(h.db, clock, ic.id, 'confirmed', { note: '厂房半数空置' }, ADMIN);
      await transitionInefficient(h.db, clock, ic.id, 'inventoried', { category: '低效工业用地', mode: 'merge' }, ADMIN);
      clock.set('2026-03-01');
      await transitionInefficient(h.db, clock, ic.id, 'redeveloping', { projectName: '并宗再开发', date: '2026-02-01' }, ADMIN);
      const [c4] = await listIdleCases(h.db, clock, ADMIN, { landCode: idle[0] });
      await transitionIdle(h.db, clock, c4.id, 'fee-levied', { decisionNo: '闲费〔2026〕1号' }, ADMIN); // disposed 2026-03-01; P5 still waits

      // 2026 supplies: P1 (approved 2025: stock), P2 (approved 2026: new, industrial FAR 2.0, 余杭),
      // P3 (existing construction land: stock, industrial FAR 1.0, 西湖).
      clock.set('2026-05-01');
      await recordEvent(
        h.db,
        clock,
        p1.landCode,
        {
          kind: 'supply',
          date: '2026-05-01',
          docNo: 'HT-P1',
          details: { method: '出让', priceYuan: 1e7, agreedStart: '2026-08-01', agreedCompletion: '2028-08-01' },
        },
        ADMIN,
      );
      const p2 = await registerParcel(h.db, clock, { name: 'P2 新增工业', landUse: '工业用地', ...g(3000, -4000, 3100, -3900) }, ADMIN);
      await recordEvent(
        h.db,
        clock,
        p2.landCode,
        { kind: 'approval', date: '2026-02-01', docNo: '浙政土〔2026〕3号', details: { approvalType: '征收' } },
        ADMIN,
      );
      await recordEvent(
        h.db,
        clock,
        p2.landCode,
        {
          kind: 'supply',
          date: '2026-04-01',
          docNo: 'HT-P2',
          details: {
            method: '出让',
            priceYuan: 6e6,
            agreedStart: '2026-07-01',
            agreedCompletion: '2028-07-01',
            planningConditions: { far: 2.0 },
          },
        },
        ADMIN,
      );
      const p3 = await registerParcel(h.db, clock, { name: 'P3 存量工业', landUse: '工业用地', ...g(-2000, -4000, -1900, -3900) }, ADMIN);
      await recordEvent(
        h.db,
        clock,
        p3.landCode,
        {
          kind: 'supply',
          date: '2026-03-01',
          docNo: 'HT-P3',
          details: {
            method: '出让',
            priceYuan: 6e6,
            agreedStart: '2026-06-01',
            agreedCompletion: '2028-06-01',
            planningConditions: { far: 1.0 },
          },
        },
        ADMIN,
      );
      clock.set('2026-06-01');
      await addDisposal(h.db, clock, b.id, { date: '2026-06-01', mode: '核减', areaM2: 10000, docNo: '核减〔2026〕1号' }, ADMIN);
      await setDigestionTask(h.db, 2026, EAST, 25000, ADMIN);
      clock.set('2026-10-01');
      await transitionInefficient(h.db, clock, ic.id, 'redeveloped', { redevelopedM2: 40000, date: '2026-09-30' }, ADMIN);

      // 15-minute life circle: only primary schools, 10 minutes at 4 km/h = 667 m.
      await runCoverage(accessContext(h.db), { types: ['小学'], water: null, user: 'test' });

      // Statistics: GDP (亿元) and urban residents (万人); the city's population is left to the districts' sum.
      await ensureDefaults(h.db);
      await putStatistics(
        h.db,
        [
          { code: 'GDP', region: WEST, year: 2026, value: 0.3 },
          { code: 'GDP', region: EAST, year: 2026, value: 0.5 },
          { code: 'GDP', region: '330100', year: 2026, value: 0.9 },
          { code: 'CZCZRK', region: WEST, year: 2026, value: 0.01 },
          { code: 'CZCZRK', region: EAST, year: 2026, value: 0.05 },
        ],
        ADMIN.username,
      );
      await putReported(
        h.db,
        cfg.districts,
        { indicator: 'DWGDPJSYD', region: WEST, year: 2025, value: 12.5, note: '西湖区 2025 年统计公报（测试）' },
        ADMIN.username,
      );

      clock.set('2026-12-20');
      run = await computeYear(h.db, cfg, 2026, { user: ADMIN.username });
    });
    after(async () => {
      await h.close();
    });

    test('the run covers every shipped indicator for the city and both districts', () => {
      assert.deepEqual(run.indicators.map((i) => i.code).sort(), DEFAULTS.indicators.map((i) => i.code).sort());
      assert.equal(run.city.code, '330100');
      assert.deepEqual(
        run.districts.map((d) => d.code),
        [WEST, EAST],
      );
      assert.equal(run.current, true, 'the clock is in 2026');
      assert.equal(run.evaluatedOn, '2026-12-20');
    });

    test('耕地保有量, 永久基本农田, 工业用地规模, 城镇开发边界内城乡建设用地 from the layers', () => {
      // Cultivated (DLBM 01xx): W 10,000 + 20,000, E 10,000 m²; 1 万亩 = 10,000 亩.
      let x = ind('GDBYL');
      close(x.city.value, (40000 * MU) / 10000, '耕地 city 万亩');
      close(x.w.value, (30000 * MU) / 10000, '耕地 西湖');
      close(x.e.value, (10000 * MU) / 10000, '耕地 余杭');
      x = ind('YJJBNTMJ');
      close(x.city.value, (30000 * MU) / 10000, '永农 city 万亩');
      close(x.w.value, (20000 * MU) / 10000, '永农 西湖');
      // Industrial land (YDYHFLDM 1001…): 30,000 m² in E and 10,000 m² (100101) in W, in km².
      x = ind('GYYDGM');
      close(x.city.value, 0.04, '工业用地 km²');
      close(x.e.value, 0.03, '工业用地 余杭');
      close(x.w.value, 0.01, '工业用地 西湖');
      // Inside the boundary: W3 10,000 + W4 10,000 (rural) in W; E2 40,000 + half of E3 5,000 in E.
      x = ind('KFBJNCXJSYD');
      close(x.city.value, 0.065, '城乡建设用地 km²');
      close(x.w.value, 0.02, '西湖');
      close(x.e.value, 0.045, '余杭');
      const prov = x.city.provenance as { layers: { layer: string; version: number }[]; areaM2: number };
      assert.deepEqual(
        prov.layers.map((l) => `${l.layer}:${l.version}`),
        ['DLTB:1', 'CZKFBJ:1', 'XZQ:1'],
        'layer versions recorded',
      );
      close(prov.areaM2, 65000, 'area m² recorded');
    });

    test('人均城镇建设用地 and 单位GDP建设用地 / 地耗下降率 from layers and statistics', () => {
      // Urban construction land inside the boundary (no 农村宅基地): W 10,000; E 40,000 + 5,000 m².
      // Urban residents: W 0.01 万 = 100, E 0.05 万 = 500; the city sums its districts: 600.
      let x = ind('RJCZJSYD');
      close(x.w.value, 10000 / 100, '西湖 m²/人');
      close(x.e.value, 45000 / 500, '余杭 m²/人');
      close(x.city.value, 55000 / 600, 'city m²/人');
      assert.deepEqual(
        (x.city.provenance as { statistic: { summedFrom: string[] } }).statistic.summedFrom,
        [WEST, EAST],
        'the city figure is the sum of its districts',
      );
      // Construction land (all classes, 1003 roads included): W 30,000 m², E 60,000 m², city 90,000 m².
      // GDP: W 0.3 亿 = 3,000 万元, E 0.5 亿 = 5,000 万元, city entered as 0.9 亿 = 9,000 万元.
      x = ind('DWGDPJSYD');
      close(x.w.value, 10, '西湖 m²/万元');
      close(x.e.value, 12, '余杭 m²/万元');
      close(x.city.value, 10, 'city m²/万元');
      // 下降率 = (base − current) / base: W (12.5 − 10) / 12.5 = 20%; the city's 2025 base is seed 000's 10.04.
      x = ind('DWGDPDHXJL');
      close(x.w.value, 20, '西湖 下降率 %');
      close(x.city.value, ((10.04 - 10) / 10.04) * 100, 'city 下降率 %');
      assert.equal(x.e.value, null, '余杭 has no 2025 base');
      assert.match(x.e.note ?? '', /2025 年基期值/);
      assert.equal((x.city.provenance as { base: { source: string } }).base.source, 'reported');
    });

    test('多田套合率 through the farmland module', () => {
      // W: 20,000 m² all three coincide; E: 10,000 m² of which the southern half is high-standard.
      const x = ind('DTTHL');
      close(x.city.value, (25000 / 30000) * 100, 'city %');
      close(x.w.value, 100, '西湖 %');
      close(x.e.value, 50, '余杭 %');
      assert.deepEqual(Object.keys((x.city.provenance as { versions: Record<string, number> }).versions).sort(), [
        'GBZNT',
        'LSSCGNQ',
        'XZQ',
        'YJJBNT',
      ]);
    });

    test('15-minute coverage from the newest life-circle run', () => {
      // The western parcel is ≈ 250 m from the school, the eastern one ≈ 4 km: 10,000 of 20,000 m².
      const x = ind('SQ15FGL');
      close(x.city.value, 50, 'city %', 1e-3);
      close(x.w.value, 100, '西湖 %');
      close(x.e.value, 0, '余杭 %');
      assert.equal(typeof (x.city.provenance as { accessRun: number }).accessRun, 'number');
    });

    test('lifecycle ledgers: 盘活, 再开发, 消化, 闲置处置, 存量供应占比, 新增工业容积率', () => {
      // 批而未供 in 余杭: 20,000 digested of the 25,000 m² task = 80%; 西湖 has no task.
      let x = ind('PEWGXHL');
      close(x.e.value, 80, '余杭 任务完成率');
      close(x.city.value, 80, 'city 任务完成率');
      assert.equal(x.w.value, null);
      assert.match(x.w.note ?? '', /未下达/);
      // 闲置: in 西湖 one 10,000 m² case disposed in 2026, one of 10,000 m² still waiting: 50%.
      x = ind('XZTDCZL');
      close(x.w.value, 50, '西湖 处置率');
      close(x.city.value, 50, 'city 处置率');
      assert.equal(x.e.value, null, '余杭 has no idle land');
      // 低效用地再开发: 40,000 m² = 60 亩 in 余杭.
      x = ind('DXYDZKF');
      close(x.e.value, 60, '余杭 亩');
      close(x.city.value, 60, 'city 亩');
      close(x.w.value ?? 0, 0, '西湖 亩');
      // 盘活 = digested 20,000 + idle disposed 10,000 + redeveloped 40,000 = 70,000 m² = 105 亩.
      x = ind('PHCLJSYD');
      close(x.city.value, 70000 * MU, 'city 盘活 亩');
      close(x.e.value, 60000 * MU, '余杭 盘活 亩');
      close(x.w.value, 10000 * MU, '西湖 盘活 亩');
      close(x.city.cumulative, 70000 * MU, 'cumulative since 2025 = 2026 alone');
      assert.equal(
        (x.city.provenance as { ledgerState: { landEvents: number } }).ledgerState.landEvents > 0,
        true,
        'ledger state recorded',
      );
      // Supplies in 2026: P1 (stock), P3 (stock, 西湖), P2 (new): 20,000 of 30,000 m².
      x = ind('CLTDGYZB');
      close(x.city.value, 200 / 3, 'city 占比 %');
      close(x.e.value, 50, '余杭 %');
      close(x.w.value, 100, '西湖 %');
      // Industrial supplies: P2 FAR 2.0 and P3 FAR 1.0, equal areas.
      x = ind('XZGYRJL');
      close(x.city.value, 1.5, 'city FAR');
      close(x.e.value, 2.0, '余杭 FAR');
      close(x.w.value, 1.0, '西湖 FAR');
    });

    test('targets from the seeds assess the city: floors, progress and levels', () => {
      // 耕地保有量 0.006 万亩 is far below the 174.40 万亩 floor (seed 002): red at once.
      const gd = ind('GDBYL').city;
      assert.equal(gd.level, 'red');
      assert.match(gd.reason, /突破底线/);
      // 存量土地供应占比 66.7% ≥ 62.5% (seed 003, 2027): green.
      assert.equal(ind('CLTDGYZB').city.level, 'green');
      // 新增工业用地平均容积率 1.5 ≥ 1.5: green on the edge.
      assert.equal(ind('XZGYRJL').city.level, 'green');
      assert.ok(run.alerts.raised >= 1);
    });

    test('an indicator added through the registry, without code, is computed', async () => {
      // 林地面积: DLTB 03xx — the only forest patch is W5, 300 m × 100 m = 30,000 m² = 45 亩.
      const def = await putDefinition(
        h.db,
        'LDMJ',
        {
          name: '林地面积',
          dimension: '绿色',
          definition: '地类图斑中林地（03）的椭球面积',
          kind: 'layer-area',
          params: { layer: 'DLTB', field: 'DLBM', prefixes: ['03'], unit: 'mu' },
          unit: '亩',
          decimals: 1,
          better: 'higher',
          regionLevels: ['city', 'district'],
          period: 'year',
          aggregate: 'annual',
          warning: { mode: 'level' },
          department: '市林业局',
        },
        undefined,
        ADMIN.username,
      );
      assert.equal(def.builtin, false);
      const r = await computeYear(h.db, { ...h.config, clock }, 2026, { indicators: ['LDMJ'], user: ADMIN.username });
      assert.deepEqual(
        r.indicators.map((i) => i.code),
        ['LDMJ'],
      );
      close(r.indicators[0].city.value, 45, '林地 city 亩');
      close(r.indicators[0].districts.find((d) => d.code === WEST)!.value, 45, '林地 西湖');
      close(r.indicators[0].districts.find((d) => d.code === EAST)!.value ?? 0, 0, '林地 余杭');
      // Retuned without code: only 0301 乔木林地, in m².
      const { builtin: _b, enabled: _e, updatedBy: _u, updatedAt: _a, ...current } = await getDefinition(h.db, 'LDMJ');
      await putDefinition(
        h.db,
        'LDMJ',
        { ...current, params: { layer: 'DLTB', field: 'DLBM', codes: ['0301'], unit: 'm2' }, unit: 'm²' },
        undefined,
        ADMIN.username,
      );
      const again = await computeYear(h.db, { ...h.config, clock }, 2026, { indicators: ['LDMJ'], user: ADMIN.username });
      close(again.indicators[0].city.value, 30000, '林地 m²');
      assert.deepEqual(
        (await auditFor(h.db, 'indicator_def', 'LDMJ')).map((a) => a.action),
        ['indicators.definition.create', 'indicators.definition.update'],
      );
    });

    test('a bad definition is refused with every field named, and nothing is written', async () => {
      await assert.rejects(
        putDefinition(
          h.db,
          'BAD',
          {
            name: '',
            dimension: '美观',
            kind: 'layer-area',
            params: { layer: 'DLTB', unit: 'acre' },
            unit: '亩',
            decimals: 9,
            better: 'up',
            regionLevels: ['city'],
            period: 'year',
            aggregate: 'cumulative',
            warning: { mode: 'fast' },
          },
          undefined,
          ADMIN.username,
        ),
        (e: { kind: ErrorKind; problems: string[] }) => {
          assert.equal(STATUS[e.kind], 400);
          for (const f of ['name', 'dimension', 'params.unit', 'decimals', 'better', 'baseYear', 'warning.mode', 'definition'])
            assert.ok(
              e.problems.some((p) => p.startsWith(f)),
              `problem names ${f}: ${e.problems.join(' | ')}`,
            );
          return true;
        },
      );
      await assert.rejects(getDefinition(h.db, 'BAD'), /不存在/);
      await assert.rejects(
        putDefinition(
          h.db,
          'DEP',
          {
            name: '下降',
            dimension: '绿色',
            definition: 'x',
            kind: 'decline-rate',
            params: { of: 'NOPE', baseYear: 2025 },
            unit: '%',
            decimals: 1,
            better: 'higher',
            regionLevels: ['city'],
            period: 'year',
            aggregate: 'annual',
            warning: { mode: 'level' },
          },
          undefined,
          ADMIN.username,
        ),
        /NOPE is not in the registry/,
      );
    });

    test('a future year is refused; every run is audited', async () => {
      await assert.rejects(computeYear(h.db, { ...h.config, clock }, 2027, { user: ADMIN.username }), /尚未到来/);
      const runs = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'indicators.compute'`);
      assert.ok(runs.rows[0].n >= 3);
    });
  });
}
