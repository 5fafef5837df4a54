// Land lifecycle end to end on every test database, with dates moved by clocks the test controls:
// the land code register and its one-query timeline; idle-land candidates exactly at the legal
// threshold (the day before: none) and the case through 服务监管 → 调查认定 → 依法处置; the
// approved-but-unsupplied ledger and 消化率; inefficient-land rules, survey, inventory,
// re-evaluation and redevelopment; the resettlement closed loop with +1/+4/+5 warnings on their
// dates and no start without a located plot; illegal transitions refused; every step audited.
// Parcels are squares in EPSG:4549 next to the central meridian: 100 m × 100 m ≈ 10,000 m² = 15 亩.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../src/errors.ts';
import { STATUS } from '../src/server/errors.ts';
import type { FastifyInstance } from 'fastify';
import { sq, loadCity, EAST, WEST } from './helpers/city.ts';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock } from '../src/util/clock.ts';
import type { User } from '../src/auth/types.ts';
import { auditFor } from '../src/audit/audit.ts';
import { registerParcel, recordEvent, getTimeline } from '../src/lifecycle/landcode.ts';
import { runNightly } from '../src/lifecycle/rules.ts';
import { listIdleCases, transitionIdle } from '../src/lifecycle/idle.ts';
import { createBatch, transitionBatch, addDisposal, getBatch, setDigestionTask, digestionByYear } from '../src/lifecycle/unsupplied.ts';
import { saveFacts, listInefficientCases, transitionInefficient } from '../src/lifecycle/inefficient.ts';
import { createProject, transitionProject, locatePlot, getProject } from '../src/lifecycle/resettlement.ts';
import { yearLedgers } from '../src/lifecycle/ledgers.ts';

const ADMIN: User = { id: null, username: '李管理', name: '李管理', role: 'admin', districts: [], via: 'cli' };
const near = (a: number | null, e: number, what: string, rel = 1e-3) =>
  assert.ok(a !== null && Math.abs(a - e) <= Math.max(1e-6, Math.abs(e) * rel), `${what}: expected ≈${e}, got ${a}`);
/** Rejects with an error answered with this status and code. */
const refused = async (p: Promise<unknown>, status: number, code: string, message?: RegExp) => {
  await assert.rejects(p, (e: { statusCode?: number; code?: string; message: string }) => {
    // A domain error carries its kind; its HTTP status is the one the server maps it to.
    assert.equal(e instanceof DomainError ? STATUS[e.kind] : e.statusCode, status, e.message);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
};

for (const tdb of testDatabases()) {
  describe(`land lifecycle on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    const g = (x0: number, y0: number, x1: number, y1: number) => ({ geometry: sq(x0, y0, x1, y1), srid: 4549 });
    const count = async (sql: string, params: unknown[] = []) => (await h.db.query<{ n: number }>(sql, params)).rows[0].n;

    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
    });
    after(async () => {
      await h.close();
    });

    test('land code: register, events in order with geometry, illegal steps refused, all audited', async () => {
      const clock = fixedClock('2024-02-01');
      const p = await registerParcel(h.db, clock, { name: '余杭 A-1 地块', ...g(1000, 1000, 1100, 1100) }, ADMIN);
      assert.equal(p.district, EAST, 'district found from layer XZQ');
      assert.match(p.landCode, /^3301102024\d{6}$/);
      near(p.areaM2, 10000, 'area m²');
      near(p.areaMu, 15, 'area 亩');
      const code = p.landCode;
      await recordEvent(
        h.db,
        clock,
        code,
        { kind: 'approval', date: '2023-12-01', docNo: '浙政土〔2023〕101号', details: { approvalType: '农转用' } },
        ADMIN,
      );
      await refused(
        recordEvent(h.db, clock, code, { kind: 'completion', date: '2024-01-20' }, ADMIN),
        409,
        'illegal_transition',
        /已批准.*approved.*allowed next: reserve, supply/s,
      );
      await refused(recordEvent(h.db, clock, code, { kind: 'reserve', date: '2024-02-02' }, ADMIN), 400, 'bad_request', /future/);
      await refused(
        recordEvent(
          h.db,
          clock,
          code,
          { kind: 'supply', date: '2024-01-10', docNo: 'HT-1', details: { method: '出让', priceYuan: 1e7, agreedStart: '2024-03-01' } },
          ADMIN,
        ),
        400,
        'bad_request',
        /agreedCompletion/,
      );
      await recordEvent(h.db, clock, code, { kind: 'reserve', date: '2023-12-20', docNo: '收储-7' }, ADMIN);
      // The supply takes the parcel as sold: 10 m narrower (100 m × 90 m = 9,000 m²).
      await recordEvent(
        h.db,
        clock,
        code,
        {
          kind: 'supply',
          date: '2024-01-10',
          docNo: '3301102024A21001',
          ...g(1000, 1000, 1100, 1090),
          details: {
            method: '出让',
            priceYuan: 10_000_000,
            agreedStart: '2024-03-01',
            agreedCompletion: '2026-03-01',
            planningConditions: { far: 2.0, landUse: '工业用地' },
          },
        },
        ADMIN,
      );
      clock.set('2024-04-01');
      await refused(
        recordEvent(
          h.db,
          clock,
          code,
          {
            kind: 'permits',
            date: '2024-03-15',
            details: { landPlanningPermit: '地字330110202400012', engineeringPermit: '建字330110202400031' },
          },
          ADMIN,
        ),
        400,
        'bad_request',
        /propertyCertificate/,
      );
      await refused(
        recordEvent(h.db, clock, code, { kind: 'registration', date: '2024-03-15', details: { bdcdyh: '123' } }, ADMIN),
        409,
        'illegal_transition',
      );
      await recordEvent(
        h.db,
        clock,
        code,
        {
          kind: 'permits',
          date: '2024-03-15',
          details: {
            landPlanningPermit: '地字330110202400012',
            propertyCertificate: '浙(2024)余杭区不动产权第0012345号',
            engineeringPermit: '建字330110202400031',
          },
        },
        ADMIN,
      );
      await refused(recordEvent(h.db, clock, code, { kind: 'works_start', date: '2024-03-10' }, ADMIN), 400, 'bad_request', /date order/);

      const t = await getTimeline(h.db, code);
      assert.deepEqual(
        t.events.map((e) => [e.kind, e.date]),
        [
          ['approval', '2023-12-01'],
          ['reserve', '2023-12-20'],
          ['supply', '2024-01-10'],
          ['permits', '2024-03-15'],
        ],
      );
      for (const e of t.events) assert.equal((e.geometry as { type: string }).type, 'MultiPolygon');
      near(t.events[1].areaM2, 10000, 'geometry at reserve');
      near(t.events[2].areaM2, 9000, 'geometry at supply');
      near(t.parcel.areaM2, 9000, 'current geometry');
      assert.equal(t.parcel.stage, 'permitted');
      assert.equal(t.parcel.agreedStart, '2024-03-01');
      assert.deepEqual(
        t.nextEvents.map((e) => e.kind),
        ['works_start'],
      );
      const trail = await auditFor(h.db, 'land_parcel', code);
      assert.deepEqual(
        trail.map((a) => a.action),
        ['landcode.register', 'landcode.approval', 'landcode.reserve', 'landcode.supply', 'landcode.permits'],
      );
      assert.ok(trail.every((a) => a.actor === ADMIN.username));
    });

    test('idle land: a candidate exactly one full year after the agreed start, not the day before', async () => {
      const clock = fixedClock('2024-02-01');
      const p = await registerParcel(h.db, clock, { name: '闲置候选 B', ...g(1200, 1000, 1300, 1100) }, ADMIN);
      await recordEvent(
        h.db,
        clock,
        p.landCode,
        {
          kind: 'supply',
          date: '2024-01-15',
          docNo: 'HT-B',
          details: { method: '出让', priceYuan: 8_000_000, agreedStart: '2024-03-01', agreedCompletion: '2026-03-01' },
        },
        ADMIN,
      );
      // Another parcel started in time: never a candidate.
      const ok = await registerParcel(h.db, clock, { name: '按期开工 C', ...g(1400, 1000, 1500, 1100) }, ADMIN);
      await recordEvent(
        h.db,
        clock,
        ok.landCode,
        {
          kind: 'supply',
          date: '2024-01-15',
          docNo: 'HT-C',
          details: { method: '出让', priceYuan: 1e6, agreedStart: '2024-03-01', agreedCompletion: '2026-03-01' },
        },
        ADMIN,
      );
      clock.set('2024-03-01');
      await recordEvent(h.db, clock, ok.landCode, { kind: 'works_start', date: '2024-03-01' }, ADMIN);

      // The first parcel (agreed start 2024-03-01, see the first test) and this one share the date.
      clock.set('2025-03-01'); // addYears(agreed start, 1): the last day of the year — works may still start
      let s = await runNightly(h.db, clock);
      assert.equal(s.idleCandidates, 0, 'the day before: none');
      clock.set('2025-03-02');
      s = await runNightly(h.db, clock);
      assert.equal(s.idleCandidates, 2, 'both unstarted parcels, on the day');
      const again = await runNightly(h.db, clock);
      assert.equal(again.idleCandidates, 0, 'idempotent');
      assert.equal(again.runOfDay, 2);
      assert.equal(await count(`SELECT count(*)::int AS n FROM idle_case`), 2);
      const cases = await listIdleCases(h.db, clock, ADMIN, { landCode: p.landCode });
      assert.equal(cases.length, 1);
      assert.equal(cases[0].idleFrom, '2025-03-02');
      assert.equal(cases[0].status, 'supervision');
      assert.equal(cases[0].deadline, '2025-04-01', '第九条: investigate within 30 days');
      assert.equal(cases[0].reclaimFrom, '2026-03-02');
      const trail = await auditFor(h.db, 'idle_case', cases[0].id);
      assert.equal(trail[0].action, 'idle.candidate');
    });

    test('idle land: started but < 1/3 developed and halted one full year', async () => {
      const clock = fixedClock('2024-07-01');
      const mk = async (name: string, x: number, developedM2: number, investedYuan: number) => {
        const p = await registerParcel(h.db, clock, { name, ...g(x, 2000, x + 100, 2100) }, ADMIN);
        await recordEvent(
          h.db,
          clock,
          p.landCode,
          {
            kind: 'supply',
            date: '2024-01-05',
            docNo: `HT-${name}`,
            details: {
              method: '出让',
              priceYuan: 5e6,
              agreedStart: '2024-02-01',
              agreedCompletion: '2026-02-01',
              totalInvestmentYuan: 4e7,
            },
          },
          ADMIN,
        );
        await recordEvent(h.db, clock, p.landCode, { kind: 'works_start', date: '2024-02-01' }, ADMIN);
        await recordEvent(
          h.db,
          clock,
          p.landCode,
          { kind: 'progress', date: '2024-07-01', details: { developedM2, investedYuan, haltedSince: '2024-06-15' } },
          ADMIN,
        );
        return p.landCode;
      };
      // 10,000 m² supplied: 3,000 m² developed is < 1/3; 4,000 m² and 30% invested is neither.
      const low = await mk('停工 D', 2000, 3000, 2e7);
      const fine = await mk('停工 E', 2200, 4000, 1.2e7);
      clock.set('2025-06-15');
      assert.equal((await runNightly(h.db, clock)).idleCandidates, 0, 'the day before: none');
      clock.set('2025-06-16');
      assert.equal((await runNightly(h.db, clock)).idleCandidates, 1);
      const c = await listIdleCases(h.db, clock, ADMIN, { landCode: low });
      assert.equal(c[0].basis, 'halted');
      assert.equal(c[0].idleFrom, '2025-06-16');
      assert.equal((await listIdleCases(h.db, clock, ADMIN, { landCode: fine })).length, 0);
    });

    test('idle land workflow: 服务监管 → 调查认定 → 依法处置, fee 20%, reclaim only after two years', async () => {
      const first = (
        await h.db.query<{ id: number }>(`SELECT c.id FROM idle_case c JOIN land_parcel p USING (land_code) WHERE p.name = '余杭 A-1 地块'`)
      ).rows[0].id;
      const clock = fixedClock('2025-03-05');
      await refused(
        transitionIdle(h.db, clock, first, 'determined', { determinationNo: 'X' }, ADMIN),
        409,
        'illegal_transition',
        /服务监管.*supervision.*allowed next: investigation, resolved/s,
      );
      await refused(transitionIdle(h.db, clock, first, 'resolved', {}, ADMIN), 409, 'not_started');
      await refused(transitionIdle(h.db, clock, first, 'archived', {}, ADMIN), 400, 'unknown_state');
      let c = await transitionIdle(h.db, clock, first, 'investigation', { noticeNo: '闲调〔2025〕3号' }, ADMIN);
      assert.equal(c.deadline, '2025-04-04', '第十条: 30 days to answer');
      await refused(transitionIdle(h.db, clock, first, 'determined', {}, ADMIN), 400, 'bad_request', /determinationNo/);
      await transitionIdle(h.db, clock, first, 'determined', { determinationNo: '闲认〔2025〕3号' }, ADMIN);
      await refused(
        transitionIdle(h.db, clock, first, 'reclaimed', { decisionNo: '收〔2025〕1号' }, ADMIN),
        409,
        'too_early',
        /2026-03-02/,
      );
      c = await transitionIdle(h.db, clock, first, 'fee-levied', { decisionNo: '闲费〔2025〕1号' }, ADMIN);
      assert.equal(c.feeYuan, 2_000_000, '20% of 10,000,000 yuan');
      assert.equal(c.deadline, '2025-04-04', '第十七条: pay within 30 days');

      clock.set('2025-04-04');
      await runNightly(h.db, clock);
      // (Earlier tests ran the rules later in 2025, when the supervision deadline had passed: that
      // warning is due 2025-04-02; the fee's deadline makes a new one due 2025-04-05.)
      const overdue = () =>
        count(`SELECT count(*)::int AS n FROM lifecycle_warning WHERE kind = 'idle-overdue' AND entity_id = $1 AND due_on = '2025-04-05'`, [
          String(first),
        ]);
      assert.equal(await overdue(), 0, 'deadline day: not overdue');
      clock.set('2025-04-05');
      await runNightly(h.db, clock);
      assert.equal(await overdue(), 1, 'the day after the deadline: overdue');
      clock.set('2026-03-01');
      await runNightly(h.db, clock);
      assert.equal(
        await count(`SELECT count(*)::int AS n FROM lifecycle_warning WHERE kind = 'idle-reclaimable' AND entity_id = $1`, [String(first)]),
        0,
      );
      clock.set('2026-03-02');
      await runNightly(h.db, clock);
      assert.equal(
        await count(
          `SELECT count(*)::int AS n FROM lifecycle_warning WHERE kind = 'idle-reclaimable' AND entity_id = $1 AND resolved_on IS NULL`,
          [String(first)],
        ),
        1,
      );
      await transitionIdle(h.db, clock, first, 'reclaimed', { decisionNo: '收〔2026〕1号' }, ADMIN);
      await transitionIdle(h.db, clock, first, 'closed', { note: '已注销登记' }, ADMIN);
      await refused(transitionIdle(h.db, clock, first, 'investigation', {}, ADMIN), 409, 'illegal_transition', /none/);
      await runNightly(h.db, clock);
      assert.equal(
        await count(
          `SELECT count(*)::int AS n FROM lifecycle_warning WHERE entity = 'idle_case' AND entity_id = $1 AND resolved_on IS NULL`,
          [String(first)],
        ),
        0,
        'warnings resolved',
      );
      const trail = (await auditFor(h.db, 'idle_case', first)).map((a) => a.action).filter((a) => a.startsWith('idle.'));
      assert.deepEqual(trail, [
        'idle.candidate',
        'idle.investigation',
        'idle.determined',
        'idle.fee-levied',
        'idle.reclaimed',
        'idle.closed',
      ]);
    });

    test('approved but unsupplied: ledger per batch, clearing workflow, 消化率', async () => {
      const clock = fixedClock('2024-02-01');
      const b = await createBatch(
        h.db,
        clock,
        {
          batchNo: 'PC-2023-01',
          name: '余杭 2023 年第 1 批次',
          approvalNo: '浙政土〔2023〕88号',
          approvalType: '农转用',
          approvedOn: '2023-06-01',
          district: EAST,
          approvedM2: 30000,
        },
        ADMIN,
      );
      assert.equal(b.status, 'identified');
      const p = await registerParcel(h.db, clock, { name: '批次内 F', ...g(3000, 1000, 3100, 1100) }, ADMIN);
      await recordEvent(
        h.db,
        clock,
        p.landCode,
        { kind: 'approval', date: '2023-06-01', docNo: '浙政土〔2023〕88号', details: { approvalType: '农转用', batchNo: 'PC-2023-01' } },
        ADMIN,
      );
      clock.set('2024-05-01');
      await recordEvent(
        h.db,
        clock,
        p.landCode,
        {
          kind: 'supply',
          date: '2024-05-01',
          docNo: 'HT-F',
          details: { method: '划拨', priceYuan: 0, agreedStart: '2024-08-01', agreedCompletion: '2026-08-01' },
        },
        ADMIN,
      );
      let x = await getBatch(h.db, b.id);
      near(x.suppliedM2, 10000, 'supplied');
      near(x.remainingM2, 20000, 'remaining');
      near(x.remainingMu, 30, 'remaining 亩');
      await refused(
        transitionBatch(h.db, clock, b.id, 'disposing', {}, ADMIN),
        409,
        'illegal_transition',
        /清理认定.*allowed next: mapped/s,
      );
      await refused(transitionBatch(h.db, clock, b.id, 'mapped', {}, ADMIN), 409, 'geometry_required');
      await refused(addDisposal(h.db, clock, b.id, { date: '2024-05-01', mode: '核减', areaM2: 100 }, ADMIN), 409, 'illegal_transition');
      await transitionBatch(h.db, clock, b.id, 'mapped', g(3100, 1000, 3300, 1100), ADMIN);
      await transitionBatch(h.db, clock, b.id, 'disposing', {}, ADMIN);
      clock.set('2024-06-01');
      await refused(
        addDisposal(h.db, clock, b.id, { date: '2024-06-01', mode: '核减', areaM2: 25000 }, ADMIN),
        400,
        'bad_request',
        /remainder/,
      );
      x = await addDisposal(h.db, clock, b.id, { date: '2024-06-01', mode: '核减', areaM2: 5000, docNo: '核减〔2024〕2号' }, ADMIN);
      near(x.remainingM2, 15000, 'after 核减');
      await refused(transitionBatch(h.db, clock, b.id, 'digested', {}, ADMIN), 409, 'not_digested');
      await setDigestionTask(h.db, 2024, EAST, 20000, ADMIN);
      // 2024: 30,000 m² unsupplied on 1 January; 10,000 supplied + 5,000 reduced = 15,000 digested.
      const d = (await digestionByYear(h.db, 2024, [EAST]))[0];
      near(d.stockStartM2, 30000, 'stock on 1 January');
      near(d.digestedM2, 15000, 'digested');
      near(d.digestionRate, 50, '消化率 %');
      near(d.taskCompletion, 75, 'task completion %');
      x = await addDisposal(h.db, clock, b.id, { date: '2024-06-01', mode: '撤回', areaM2: 15000 }, ADMIN);
      assert.equal(x.status, 'disposing');
      const s = await runNightly(h.db, clock);
      assert.ok(s.unsupplied.digested >= 1);
      assert.equal((await getBatch(h.db, b.id)).status, 'digested');
      const trail = (await auditFor(h.db, 'approval_batch', b.id)).map((a) => a.action);
      assert.deepEqual(trail, [
        'unsupplied.create',
        'unsupplied.mapped',
        'unsupplied.disposing',
        'unsupplied.dispose',
        'unsupplied.dispose',
        'unsupplied.digested',
      ]);
    });

    test('inefficient land: yearly rules → candidate → survey → inventory → re-evaluation → redeveloped', async () => {
      const clock = fixedClock('2025-12-01');
      // 200 m × 200 m = 40,000 m² = 60 亩 of industrial land: FAR 0.6 and 3,000,000 yuan = 50,000 yuan/亩.
      const low = await registerParcel(h.db, clock, { name: '低效厂区 G', landUse: '工业用地', ...g(4000, 3000, 4200, 3200) }, ADMIN);
      // 100 m × 100 m = 15 亩, 3,000,000 yuan = 200,000 yuan/亩, FAR 1.5: hits nothing.
      const good = await registerParcel(h.db, clock, { name: '高效厂区 H', landUse: '工业用地', ...g(4300, 3000, 4400, 3100) }, ADMIN);
      assert.equal(low.industrial, true);
      await saveFacts(
        h.db,
        2025,
        [
          { landCode: low.landCode, far: 0.6, taxYuan: 3_000_000 },
          { landCode: good.landCode, far: 1.5, taxYuan: 3_000_000 },
        ],
        '亩均效益评价 2025',
        ADMIN,
      );
      await refused(saveFacts(h.db, 2025, [{ landCode: 'NOPE000000' }], 'x', ADMIN), 404, 'not_found', /NOPE000000/);
      clock.set('2026-01-05');
      const s = await runNightly(h.db, clock);
      assert.deepEqual(s.inefficient, { factYear: 2025, ruleYear: 2024, candidates: 1, reevaluated: 0 });
      const [c] = await listInefficientCases(h.db, ADMIN, { status: 'identified' });
      assert.equal(c.landCode, low.landCode);
      assert.deepEqual(
        (c.hits as { code: string }[]).map((x) => x.code),
        ['far', 'tax'],
      );
      near((c.hits as { code: string; value: number }[])[1].value, 50000, 'tax per 亩', 1e-3);
      assert.equal((await runNightly(h.db, clock)).inefficient.candidates, 0, 'idempotent');
      await refused(
        transitionInefficient(h.db, clock, c.id, 'inventoried', { category: '低效工业用地', mode: 'merge' }, ADMIN),
        409,
        'illegal_transition',
        /allowed next: confirmed, rejected/,
      );
      await transitionInefficient(h.db, clock, c.id, 'confirmed', { note: '现场调查：厂房半数空置' }, ADMIN);
      await refused(
        transitionInefficient(h.db, clock, c.id, 'inventoried', { category: '低效工业用地', mode: 'nope' }, ADMIN),
        400,
        'bad_request',
        /mode/,
      );
      await transitionInefficient(h.db, clock, c.id, 'inventoried', { category: '低效工业用地', mode: 'merge' }, ADMIN);
      // 动态更新: the 2026 facts no longer hit any rule.
      await saveFacts(h.db, 2026, [{ landCode: low.landCode, far: 1.6, taxYuan: 12_000_000 }], '亩均效益评价 2026', ADMIN);
      clock.set('2027-01-05');
      const r = await runNightly(h.db, clock);
      assert.equal(r.inefficient.reevaluated, 1);
      assert.equal((await runNightly(h.db, clock)).inefficient.reevaluated, 0, 'once per year');
      clock.set('2027-03-01');
      await transitionInefficient(h.db, clock, c.id, 'redeveloping', { projectName: '并宗再开发示范项目', date: '2027-02-01' }, ADMIN);
      clock.set('2027-10-01');
      const done = await transitionInefficient(h.db, clock, c.id, 'redeveloped', { redevelopedM2: 40000, date: '2027-09-30' }, ADMIN);
      assert.equal(done.stillHits, false);
      assert.equal(done.modeName, '并宗再开发');
      const l = await yearLedgers(h.db, 2027);
      near(l.inefficientRedeveloped.redeveloped.mu, 60, 'redeveloped 亩');
      near(l.stockRevitalised.components.inefficientRedeveloped.m2, 40000, 'stock revitalised includes it');
      assert.deepEqual(
        (await auditFor(h.db, 'inefficient_case', c.id)).map((a) => a.action),
        [
          'inefficient.candidate',
          'inefficient.confirmed',
          'inefficient.inventoried',
          'inefficient.reevaluate',
          'inefficient.redeveloping',
          'inefficient.redeveloped',
        ],
      );
    });

    test('resettlement: no start without a located plot; +1/+4/+5 warnings on their dates; board by district', async () => {
      const clock = fixedClock('2024-05-01');
      const p = await createProject(
        h.db,
        clock,
        { code: 'ZS-2024-001', name: '仓前街道征收项目', district: EAST, households: 120, ...g(500, -1000, 800, -700) },
        ADMIN,
      );
      const before = await count(`SELECT count(*)::int AS n FROM audit_log`);
      await refused(
        transitionProject(h.db, clock, p.id, 'started', { date: '2024-05-01' }, ADMIN),
        409,
        'no_resettlement_plot',
        /安置地块尚未落图定位/,
      );
      assert.equal((await getProject(h.db, p.id)).status, 'planning', 'refused: nothing changed');
      assert.equal(await count(`SELECT count(*)::int AS n FROM audit_log`), before, 'refused: no audit entry');
      await refused(
        transitionProject(h.db, clock, p.id, 'housing-started', {}, ADMIN),
        409,
        'illegal_transition',
        /谋划.*allowed next: started/s,
      );
      await locatePlot(h.db, clock, p.id, { plotName: '仓前安置地块', ...g(900, -1000, 1000, -900) }, ADMIN);
      await transitionProject(h.db, clock, p.id, 'started', { date: '2024-05-01' }, ADMIN);
      // A second project in the west for the board.
      const w = await createProject(
        h.db,
        clock,
        {
          code: 'ZS-2024-002',
          name: '三墩征收项目',
          district: WEST,
          households: 40,
          plotName: '三墩安置地块',
          plotGeometry: sq(-900, -1000, -800, -900),
          srid: 4549,
        },
        ADMIN,
      );
      await transitionProject(h.db, clock, w.id, 'started', { date: '2024-05-01' }, ADMIN);

      const open = async (kind: string, id = p.id) =>
        count(`SELECT count(*)::int AS n FROM lifecycle_warning WHERE kind = $1 AND entity_id = $2 AND resolved_on IS NULL`, [
          kind,
          String(id),
        ]);
      clock.set('2025-04-30');
      await runNightly(h.db, clock);
      assert.equal(await open('resettlement+1'), 0, 'the day before +1');
      clock.set('2025-05-01');
      assert.equal((await runNightly(h.db, clock)).warningsRaised['resettlement+1'], 2, '+1 on its date for both');
      assert.equal(await open('resettlement+1'), 1);
      await transitionProject(h.db, clock, p.id, 'housing-started', { date: '2025-05-01' }, ADMIN);
      assert.equal(await open('resettlement+1'), 0, 'milestone resolves +1');
      clock.set('2028-04-30');
      await runNightly(h.db, clock);
      assert.equal(await open('resettlement+4'), 0, 'the day before +4');
      clock.set('2028-05-01');
      await runNightly(h.db, clock);
      assert.equal(await open('resettlement+4'), 1, '+4 on its date');
      await transitionProject(h.db, clock, p.id, 'housing-completed', { date: '2028-05-01' }, ADMIN);
      clock.set('2029-04-30');
      await runNightly(h.db, clock);
      assert.equal(await open('resettlement+5'), 0, 'the day before +5');
      clock.set('2029-05-01');
      await runNightly(h.db, clock);
      assert.equal(await open('resettlement+5'), 1, '+5 on its date');
      assert.equal(await open('resettlement+5', w.id), 1, 'the western project too');
      await transitionProject(h.db, clock, p.id, 'resettled', { date: '2029-05-01' }, ADMIN);
      assert.equal(await open('resettlement+5'), 0);
      assert.equal((await getProject(h.db, p.id)).householdsResettled, 120);
      assert.deepEqual(
        (await auditFor(h.db, 'resettlement_project', p.id)).map((a) => a.action),
        [
          'resettlement.create',
          'resettlement.locate-plot',
          'resettlement.started',
          'warning.raise',
          'resettlement.housing-started',
          'warning.raise',
          'resettlement.housing-completed',
          'warning.raise',
          'resettlement.resettled',
        ],
      );
    });

    test('yearly ledgers: stock supply share without standalone sites, new industrial FAR', async () => {
      const clock = fixedClock('2030-01-10');
      const mk = async (name: string, x: number, opts: { approvedOn?: string; standaloneSite?: boolean; far: number }) => {
        const p = await registerParcel(
          h.db,
          clock,
          { name, landUse: '工业用地', standaloneSite: opts.standaloneSite, ...g(x, -3000, x + 100, -2900) },
          ADMIN,
        );
        if (opts.approvedOn)
          await recordEvent(
            h.db,
            clock,
            p.landCode,
            { kind: 'approval', date: opts.approvedOn, docNo: `批-${name}`, details: { approvalType: '征收' } },
            ADMIN,
          );
        await recordEvent(
          h.db,
          clock,
          p.landCode,
          {
            kind: 'supply',
            date: '2029-06-01',
            docNo: `HT-${name}`,
            details: {
              method: '出让',
              priceYuan: 1e6,
              agreedStart: '2029-09-01',
              agreedCompletion: '2031-09-01',
              planningConditions: { far: opts.far },
            },
          },
          ADMIN,
        );
      };
      await mk('存量 S1', 1000, { far: 1.0 }); // existing construction land: stock
      await mk('历史批而未供 S2', 1200, { approvedOn: '2027-03-01', far: 2.0 }); // approved before 2029: stock
      await mk('新增 S3', 1400, { approvedOn: '2029-02-01', far: 1.5 }); // approved in 2029: new
      await mk('单独选址 S4', 1600, { approvedOn: '2029-02-01', standaloneSite: true, far: 3.0 });
      const l = await yearLedgers(h.db, 2029);
      near(l.stockSupplyShare.sharePercent, 200 / 3, 'two of three equal parcels');
      assert.equal(l.stockSupplyShare.suppliedCount, 3);
      near(l.stockSupplyShare.standaloneExcluded.mu, 15, 'standalone site excluded');
      // Four equal industrial parcels with FAR 1.0, 2.0, 1.5 and 3.0: the FAR ledger counts all four.
      near(l.newIndustrialFar.averageFar, 7.5 / 4, 'area-weighted FAR');
      near(l.newIndustrialFar.supplied.mu, 60, 'four × 15 亩');
    });

    test('HTTP: timeline, warning board, errors, district scope, nightly by administrators only', async () => {
      const clock = fixedClock('2029-05-02');
      const app: FastifyInstance = await buildApp({ db: h.db, config: { ...h.config, clock } });
      try {
        const admin = await authHeaders(h.db, 'admin');
        const west = await authHeaders(h.db, 'district', { districts: [WEST] });
        const planner = await authHeaders(h.db, 'planner');
        const code = (await h.db.query<{ c: string }>(`SELECT land_code AS c FROM land_parcel WHERE name = '余杭 A-1 地块'`)).rows[0].c;
        const t = await app.inject({ url: `/api/lifecycle/parcels/${code}/timeline`, headers: admin });
        assert.equal(t.statusCode, 200, t.body);
        assert.deepEqual(
          t.json().events.map((e: { kind: string }) => e.kind),
          ['approval', 'reserve', 'supply', 'permits'],
        );
        assert.equal(t.json().events[2].geometry.type, 'MultiPolygon');
        const outside = await app.inject({ url: `/api/lifecycle/parcels/${code}/timeline`, headers: west });
        assert.equal(outside.statusCode, 403);
        assert.equal(outside.json().code, 'outside_districts');
        const ev = await app.inject({
          method: 'POST',
          url: `/api/lifecycle/parcels/${code}/events`,
          headers: planner,
          payload: { kind: 'registration', date: '2029-05-01', details: { bdcdyh: '330110001001GB00001F00010001' } },
        });
        assert.equal(ev.statusCode, 409);
        assert.equal(ev.json().code, 'illegal_transition');
        assert.match(ev.json().error, /works_start/);
        const board = await app.inject({ url: '/api/lifecycle/warnings/board', headers: admin });
        assert.equal(board.statusCode, 200, board.body);
        const west5 = board.json().districts.find((d: { district: string }) => d.district === WEST);
        assert.equal(west5.name, '西湖区');
        assert.equal(west5.byKind['resettlement+5'], 1);
        const scoped = await app.inject({ url: '/api/lifecycle/warnings?open=true', headers: west });
        assert.ok(
          scoped.json().items.length > 0 && scoped.json().items.every((w: { district: string }) => w.district === WEST),
          'district officers see their own warnings',
        );
        const denied = await app.inject({ method: 'POST', url: '/api/lifecycle/nightly', headers: planner, payload: {} });
        assert.equal(denied.statusCode, 403);
        const run = await app.inject({ method: 'POST', url: '/api/lifecycle/nightly', headers: admin, payload: {} });
        assert.equal(run.statusCode, 200, run.body);
        assert.equal(run.json().date, '2029-05-02');
        const led = await app.inject({ url: '/api/lifecycle/ledgers/2027', headers: admin });
        assert.equal(led.statusCode, 200, led.body);
        assert.ok(led.json().inefficientRedeveloped.redeveloped.mu > 59.9);
        const list = await app.inject({ url: '/api/lifecycle/idle-cases?status=closed', headers: admin });
        assert.equal(list.json().length, 1);
      } finally {
        await app.close();
      }
    });
  });
}
