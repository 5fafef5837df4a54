// Land lifecycle edge cases on every test database, each against a clock the test moves: the legal
// thresholds at their exact boundaries (29 February, exactly 1/3 developed, exactly 25 % invested,
// FAR exactly at the threshold), the year's locally set inefficient-land rules, the idle-land
// workflow's other ways out (已督促动工, 不构成闲置, 其他方式处置), district scope, the nightly run in
// the audit trail, and the routes the web pages use (today and districts, a batch with its land codes).
// Parcels are squares in EPSG:4549 next to the central meridian: 100 m × 100 m ≈ 10,000 m² = 15 亩
// (ellipsoidal, so "≈": boundaries on areas are tested just above and just below).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../src/errors.ts';
import { STATUS } from '../src/server/errors.ts';
import { sq, loadCity, EAST, WEST } from './helpers/city.ts';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock, type ManualClock } from '../src/util/clock.ts';
import type { User } from '../src/auth/types.ts';
import { auditFor } from '../src/audit/audit.ts';
import { registerParcel, recordEvent, getParcel } from '../src/lifecycle/landcode.ts';
import { runNightly } from '../src/lifecycle/rules.ts';
import { listIdleCases, transitionIdle } from '../src/lifecycle/idle.ts';
import { saveFacts, saveRules, listInefficientCases, rulesFor } from '../src/lifecycle/inefficient.ts';
import { createProject, locatePlot, transitionProject } from '../src/lifecycle/resettlement.ts';
import { createBatch } from '../src/lifecycle/unsupplied.ts';

const ADMIN: User = { id: null, username: '王科长', name: '王科长', role: 'admin', districts: [], via: 'cli' };
const WEST_OFFICER: User = { id: null, username: '西湖区局', name: '西湖区局', role: 'district', districts: [WEST], via: 'cli' };
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
  describe(`land lifecycle thresholds and workflows on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    const g = (x0: number, y0: number, x1: number, y1: number) => ({ geometry: sq(x0, y0, x1, y1), srid: 4549 });
    const count = async (sql: string, params: unknown[] = []) => (await h.db.query<{ n: number }>(sql, params)).rows[0].n;
    const casesOf = (clock: ManualClock, landCode: string) => listIdleCases(h.db, clock, ADMIN, { landCode });
    /** A parcel supplied by 出让 with the given agreed start; price 10,000,000 yuan, investment 40,000,000. */
    const supplied = async (clock: ManualClock, name: string, x: number, y: number, supplyDate: string, agreedStart: string) => {
      const p = await registerParcel(h.db, clock, { name, ...g(x, y, x + 100, y + 100) }, ADMIN);
      await recordEvent(
        h.db,
        clock,
        p.landCode,
        {
          kind: 'supply',
          date: supplyDate,
          docNo: `HT-${name}`,
          details: { method: '出让', priceYuan: 10_000_000, agreedStart, agreedCompletion: '2027-12-31', totalInvestmentYuan: 40_000_000 },
        },
        ADMIN,
      );
      return p.landCode;
    };

    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
    });
    after(async () => {
      await h.close();
    });

    test('29 February: the idle year ends on 28 February, the +1 warning falls on it', async () => {
      const clock = fixedClock('2024-02-29');
      // 民法典 第二百零二条: no corresponding day → the last day of the month ends the period.
      const code = await supplied(clock, '闰日地块 L', 1000, 1000, '2024-01-20', '2024-02-29');
      const p = await createProject(
        h.db,
        clock,
        {
          code: 'ZS-LEAP',
          name: '闰日征收项目',
          district: EAST,
          households: 10,
          plotName: '闰日安置地块',
          plotGeometry: sq(1000, 1200, 1100, 1300),
          srid: 4549,
        },
        ADMIN,
      );
      await transitionProject(h.db, clock, p.id, 'started', { date: '2024-02-29' }, ADMIN);
      const plus1 = () =>
        count(`SELECT count(*)::int AS n FROM lifecycle_warning WHERE kind = 'resettlement+1' AND entity_id = $1`, [String(p.id)]);

      clock.set('2025-02-27');
      await runNightly(h.db, clock);
      assert.equal(await plus1(), 0, '+1: the day before, none');
      clock.set('2025-02-28');
      await runNightly(h.db, clock);
      assert.equal(await plus1(), 1, '+1 on 28 February 2025, the anniversary of 29 February');
      assert.equal((await casesOf(clock, code)).length, 0, 'idle: 28 February is still inside the year');
      clock.set('2025-03-01');
      await runNightly(h.db, clock);
      const c = await casesOf(clock, code);
      assert.equal(c.length, 1, 'idle from 1 March 2025');
      assert.equal(c[0].idleFrom, '2025-03-01');
      assert.equal(c[0].basis, 'not-started');
    });

    test('halted land: below 1/3 developed or below 25 % invested, at the boundaries', async () => {
      const clock = fixedClock('2024-07-01');
      const halted = async (name: string, x: number, developed: (areaM2: number) => number, investedYuan: number, resumeOn?: string) => {
        const code = await supplied(clock, name, x, 2000, '2024-01-05', '2024-02-01');
        await recordEvent(h.db, clock, code, { kind: 'works_start', date: '2024-02-01' }, ADMIN);
        const { areaM2 } = await getParcel(h.db, code);
        await recordEvent(
          h.db,
          clock,
          code,
          { kind: 'progress', date: '2024-07-01', details: { developedM2: developed(areaM2), investedYuan, haltedSince: '2024-06-15' } },
          ADMIN,
        );
        if (resumeOn) {
          clock.set(resumeOn);
          await recordEvent(
            h.db,
            clock,
            code,
            { kind: 'progress', date: resumeOn, details: { developedM2: developed(areaM2), investedYuan, haltedSince: null } },
            ADMIN,
          );
          clock.set('2024-07-01');
        }
        return code;
      };
      // 第二条: "不足三分之一" and "不足百分之二十五" — strictly less. 40,000,000 × 25 % = 10,000,000 exactly.
      const atBoth = await halted('三分之一以上且投资恰为 25% H1', 1000, (a) => a / 3 + 1, 10_000_000);
      const lowInvest = await halted('投资不足 25% H2', 1200, (a) => a / 3 + 1, 9_999_999);
      const lowArea = await halted('开发不足三分之一 H3', 1400, (a) => a / 3 - 1, 20_000_000);
      const resumed = await halted('已复工 H4', 1600, (a) => a / 10, 1_000_000, '2025-01-10');

      clock.set('2025-06-15');
      await runNightly(h.db, clock);
      for (const c of [atBoth, lowInvest, lowArea, resumed])
        assert.equal((await casesOf(clock, c)).length, 0, `${c}: the day before, none`);
      clock.set('2025-06-16');
      await runNightly(h.db, clock);
      assert.equal((await casesOf(clock, atBoth)).length, 0, 'exactly 25 % invested and over 1/3 developed: not idle');
      assert.equal((await casesOf(clock, resumed)).length, 0, 'works resumed: the halt is over');
      for (const c of [lowInvest, lowArea]) {
        const [x] = await casesOf(clock, c);
        assert.ok(x, `${c}: a candidate`);
        assert.equal(x.basis, 'halted');
        assert.equal(x.baseDate, '2024-06-15');
        assert.equal(x.idleFrom, '2025-06-16');
      }
    });

    test('inefficient land: thresholds are strict, each year has its own editable rules', async () => {
      const clock = fixedClock('2025-12-01');
      const mk = async (name: string, x: number, landUse: string) =>
        (await registerParcel(h.db, clock, { name, landUse, ...g(x, 3000, x + 100, 3100) }, ADMIN)).landCode;
      const i1 = await mk('容积率恰为 1.0 I1', 1000, '工业用地');
      const i2 = await mk('亩均税收略低 I2', 1200, '工业用地');
      const i3 = await mk('空置商业 I3', 1400, '商服用地');
      // ≈ 15 亩 each: 1,515,000 yuan ≈ 101,000 yuan/亩 (above 100,000); 1,485,000 ≈ 99,000 (below).
      await saveFacts(
        h.db,
        2025,
        [
          { landCode: i1, far: 1.0, taxYuan: 1_515_000 },
          { landCode: i2, far: 1.5, taxYuan: 1_485_000 },
          { landCode: i3, far: 0.5, taxYuan: 0, vacant: true },
        ],
        '亩均效益评价 2025',
        ADMIN,
      );
      clock.set('2026-01-10');
      let s = await runNightly(h.db, clock);
      assert.deepEqual(s.inefficient, { factYear: 2025, ruleYear: 2024, candidates: 2, reevaluated: 0 });
      const byCode = async (code: string) => (await listInefficientCases(h.db, ADMIN, {})).filter((c) => c.landCode === code);
      assert.equal((await byCode(i1)).length, 0, 'FAR exactly 1.0 is not below 1.0');
      assert.deepEqual(
        (await byCode(i2))[0].hits.map((x) => (x as { code: string }).code),
        ['tax'],
      );
      // 商服用地 is not industrial: only the rules for all land (vacant) apply, not the FAR 0.5.
      assert.deepEqual(
        (await byCode(i3))[0].hits.map((x) => (x as { code: string }).code),
        ['vacant'],
      );

      await refused(saveRules(h.db, 2026, [{ code: 'far', name: '容积率', kind: 'far-below' }], ADMIN), 400, 'bad_request', /threshold/);
      await refused(saveRules(h.db, 2026, [{ code: 'x', name: 'x', kind: 'tax-below', threshold: 1 }], ADMIN), 400, 'bad_request', /kind/);
      assert.equal((await rulesFor(h.db, 2026)).ruleYear, 2024, 'a refused save changes nothing');
      await saveRules(
        h.db,
        2026,
        [
          { code: 'far', name: '工业用地容积率低于 1.2', kind: 'far-below', threshold: 1.2, industrialOnly: true },
          { code: 'tax', name: '亩均税收低于 8 万元/亩', kind: 'tax-per-mu-below', threshold: 80_000, industrialOnly: true },
        ],
        ADMIN,
      );
      const r = await rulesFor(h.db, 2026);
      assert.equal(r.ruleYear, 2026);
      assert.deepEqual(
        r.rules.map((x) => [x.code, x.threshold]),
        [
          ['far', 1.2],
          ['tax', 80_000],
        ],
      );
      assert.equal((await rulesFor(h.db, 2025)).ruleYear, 2024, 'earlier years keep their rules');
      assert.equal((await auditFor(h.db, 'inefficient_rule', 2026)).length, 1);
      await saveFacts(h.db, 2026, [{ landCode: i1, far: 1.1, taxYuan: 1_515_000 }], '亩均效益评价 2026', ADMIN);
      clock.set('2027-01-10');
      s = await runNightly(h.db, clock);
      assert.equal(s.inefficient.ruleYear, 2026);
      const [c1] = await byCode(i1);
      assert.deepEqual(
        c1.hits,
        [{ code: 'far', name: '工业用地容积率低于 1.2', kind: 'far-below', threshold: 1.2, value: 1.1 }],
        'FAR 1.1 under the 2026 threshold 1.2',
      );
      assert.equal(c1.year, 2026);
    });

    test('idle land: the other ways out — 已督促动工, 不构成闲置, 其他方式处置 — and district scope', async () => {
      const clock = fixedClock('2023-12-01');
      const p1 = await supplied(clock, '督促动工 P1', 3000, 1000, '2023-12-01', '2024-01-01');
      const p2 = await supplied(clock, '不构成闲置 P2', 3200, 1000, '2023-12-01', '2024-01-01');
      const p3 = await supplied(clock, '协商处置 P3', 3400, 1000, '2023-12-01', '2024-01-01');
      clock.set('2025-01-02');
      await runNightly(h.db, clock);
      const [c1] = await casesOf(clock, p1);
      const [c2] = await casesOf(clock, p2);
      const [c3] = await casesOf(clock, p3);
      assert.ok(c1 && c2 && c3, 'three candidates on 2 January 2025');
      assert.equal(c3.feeDueYuan, 2_000_000, 'the fee the page shows before the decision: 20 % of 10,000,000');
      assert.equal(c3.feeYuan, null);

      // A district officer of 西湖区 may not act on a case of 余杭区; nothing changes.
      await refused(transitionIdle(h.db, clock, c1.id, 'investigation', {}, WEST_OFFICER), 403, 'outside_districts');
      assert.equal((await casesOf(clock, p1))[0].status, 'supervision');

      await refused(transitionIdle(h.db, clock, c1.id, 'resolved', {}, ADMIN), 409, 'not_started', /未动工/);
      clock.set('2025-01-10');
      await recordEvent(h.db, clock, p1, { kind: 'works_start', date: '2025-01-10' }, ADMIN);
      const r1 = await transitionIdle(h.db, clock, c1.id, 'resolved', { note: '约谈后已动工' }, ADMIN);
      assert.equal(r1.status, 'resolved');
      assert.equal(r1.closedOn, '2025-01-10');
      assert.deepEqual(r1.nextSteps, []);

      await transitionIdle(h.db, clock, c2.id, 'investigation', { noticeNo: '闲调〔2025〕9号' }, ADMIN);
      await refused(transitionIdle(h.db, clock, c2.id, 'not-idle', {}, ADMIN), 400, 'bad_request', /理由/);
      const r2 = await transitionIdle(h.db, clock, c2.id, 'not-idle', { note: '因规划调整造成，属政府原因（第八条）' }, ADMIN);
      assert.equal(r2.status, 'not-idle');
      const again = await runNightly(h.db, clock);
      assert.equal((await casesOf(clock, p2)).length, 1, 'a case closed as not idle is not raised again');
      assert.equal(again.idleCandidates, 0);

      await transitionIdle(h.db, clock, c3.id, 'investigation', {}, ADMIN);
      await transitionIdle(h.db, clock, c3.id, 'determined', { determinationNo: '闲认〔2025〕9号' }, ADMIN);
      await refused(
        transitionIdle(h.db, clock, c3.id, 'other-disposal', { method: '罚款' }, ADMIN),
        400,
        'bad_request',
        /延长动工开发期限/,
      );
      const r3 = await transitionIdle(h.db, clock, c3.id, 'other-disposal', { method: '延长动工开发期限', note: '第十三条' }, ADMIN);
      assert.equal(r3.disposal, '延长动工开发期限');
      assert.equal(r3.disposedOn, '2025-01-10');
      await refused(
        transitionIdle(h.db, clock, c3.id, 'fee-levied', { decisionNo: 'x' }, ADMIN),
        409,
        'illegal_transition',
        /其他方式处置.*allowed next: closed/s,
      );
      await transitionIdle(h.db, clock, c3.id, 'closed', {}, ADMIN);

      const actions = async (id: number) =>
        (await auditFor(h.db, 'idle_case', id)).map((a) => a.action).filter((a) => a.startsWith('idle.'));
      assert.deepEqual(await actions(c1.id), ['idle.candidate', 'idle.resolved']);
      assert.deepEqual(await actions(c2.id), ['idle.candidate', 'idle.investigation', 'idle.not-idle']);
      assert.deepEqual(await actions(c3.id), [
        'idle.candidate',
        'idle.investigation',
        'idle.determined',
        'idle.other-disposal',
        'idle.closed',
      ]);
    });

    test('a project cannot be started on a date before its plot was located', async () => {
      const clock = fixedClock('2025-05-10');
      const p = await createProject(h.db, clock, { code: 'ZS-BACKDATE', name: '倒签启动项目', district: EAST, households: 12 }, ADMIN);
      await locatePlot(h.db, clock, p.id, { plotName: '安置地块 B', geometry: sq(2000, -2000, 2100, -1900), srid: 4549 }, ADMIN);
      await refused(
        transitionProject(h.db, clock, p.id, 'started', { date: '2025-05-09' }, ADMIN),
        409,
        'no_resettlement_plot',
        /2025-05-10/,
      );
      assert.equal((await transitionProject(h.db, clock, p.id, 'started', { date: '2025-05-10' }, ADMIN)).status, 'started');
    });

    test('the nightly run is audited each time it runs', async () => {
      const clock = fixedClock('2025-02-01');
      const a = await runNightly(h.db, clock);
      const b = await runNightly(h.db, clock);
      assert.equal(b.runOfDay, a.runOfDay + 1);
      const trail = await auditFor(h.db, 'lifecycle_run', '2025-02-01');
      assert.equal(trail.length, b.runOfDay);
      assert.ok(trail.every((x) => x.action === 'lifecycle.nightly' && x.actor === 'nightly'));
      assert.equal((trail.at(-1)!.after as { runOfDay: number }).runOfDay, b.runOfDay);
    });

    test('HTTP: today and the districts for the pages; a batch with its mapped remainder and land codes', async () => {
      const clock = fixedClock('2025-03-01');
      const app = await buildApp({ db: h.db, config: { ...h.config, clock } });
      try {
        const planner = await authHeaders(h.db, 'planner');
        const d = await app.inject({ url: '/api/lifecycle/context', headers: planner });
        assert.equal(d.statusCode, 200, d.body);
        assert.deepEqual(d.json(), {
          today: '2025-03-01',
          districts: [
            { code: WEST, name: '西湖区' },
            { code: EAST, name: '余杭区' },
          ],
        });
        const b = await createBatch(
          h.db,
          clock,
          {
            batchNo: 'PC-T-1',
            name: '测试批次',
            approvalNo: '浙政土〔2024〕7号',
            approvalType: '征收',
            approvedOn: '2024-03-01',
            district: EAST,
            ...g(4000, -1000, 4200, -900),
          },
          ADMIN,
        );
        const p = await registerParcel(h.db, clock, { name: '批次地块 Q', ...g(4000, -1000, 4100, -900) }, ADMIN);
        await recordEvent(
          h.db,
          clock,
          p.landCode,
          { kind: 'approval', date: '2024-03-01', docNo: '浙政土〔2024〕7号', details: { approvalType: '征收', batchNo: 'PC-T-1' } },
          ADMIN,
        );
        await recordEvent(
          h.db,
          clock,
          p.landCode,
          {
            kind: 'supply',
            date: '2025-02-01',
            docNo: 'HT-Q',
            details: { method: '出让', priceYuan: 1e6, agreedStart: '2025-06-01', agreedCompletion: '2027-06-01' },
          },
          ADMIN,
        );
        const r = await app.inject({ url: `/api/lifecycle/unsupplied/batches/${b.id}`, headers: planner });
        assert.equal(r.statusCode, 200, r.body);
        const body = r.json();
        assert.equal(body.geometry.type, 'MultiPolygon');
        assert.deepEqual(
          body.parcels.map((x: { landCode: string; stage: string }) => [x.landCode, x.stage]),
          [[p.landCode, 'supplied']],
        );
        // 200 m × 100 m approved, 100 m × 100 m supplied: half remains (≈ 10,000 m² = 15 亩).
        assert.ok(Math.abs(body.remainingM2 / body.approvedM2 - 0.5) < 1e-3, `remaining ${body.remainingM2} of ${body.approvedM2}`);
        assert.ok(Math.abs(body.remainingMu - 15) < 0.02);
        assert.deepEqual(
          body.trail.map((x: { action: string }) => x.action),
          ['unsupplied.create'],
        );
        const found = await app.inject({ url: `/api/lifecycle/parcels?q=${encodeURIComponent('批次地块')}`, headers: planner });
        assert.deepEqual(
          found.json().items.map((x: { landCode: string }) => x.landCode),
          [p.landCode],
        );
        // % and _ are searched for literally, not as wildcards: two names hold "25%", none holds "_".
        const pct = await app.inject({ url: `/api/lifecycle/parcels?q=${encodeURIComponent('%')}`, headers: planner });
        assert.deepEqual(
          pct
            .json()
            .items.map((x: { name: string }) => x.name)
            .sort(),
          ['三分之一以上且投资恰为 25% H1', '投资不足 25% H2'],
        );
        assert.equal((await app.inject({ url: `/api/lifecycle/parcels?q=_`, headers: planner })).json().total, 0);
        const idle = await app.inject({ url: '/api/lifecycle/idle-cases?status=supervision,not-idle', headers: planner });
        assert.equal(idle.statusCode, 200, idle.body);
        const st = new Set(idle.json().map((c: { status: string }) => c.status));
        assert.ok(st.has('not-idle') && st.has('supervision') && st.size === 2, `statuses ${[...st]}`);
      } finally {
        await app.close();
      }
    });
  });
}
