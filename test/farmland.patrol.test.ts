// Patrol alerts → cases (天巡地查, domain.md §7) with a test clock: intake, 多违合一 (an alert on the
// spot of an open case, or within the merge distance of 30 m, joins it; a closed case never does),
// duplicates by source id, every case transition and the illegal ones (409 illegal_transition
// naming what is allowed), the reason each decision needs, deadlines and the overdue warning, the
// statistics by district and source, and the audit entry of every write.
//
// Positions are EPSG:4549 metres next to the central meridian (test/helpers/city.ts), sent to the
// API as EPSG:4490 lon/lat (converted by PostGIS below). Distances are ellipsoidal; at the central
// meridian the scale factor is 1, so 29 m on the plane is 29 m on the ground (to < 1 mm).
//   P = (1000, 1000) in EAST. Remote-sensing polygon R = [990,1010]² around P (10 m each side).
//   A point 39 m west of P is 29 m from R → merged; 41 m east of P → 31 m → a new case. (The case's
//   spot grows to cover every merged alert: the west point does not bring the east one closer.)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { loadCity, E0, N0, EAST, WEST } from './helpers/city.ts';
import type { Db } from '../src/db/index.ts';
import type { Config } from '../src/config.ts';
import { fixedClock, type ManualClock } from '../src/util/clock.ts';
import type { FastifyError } from 'fastify';
import { apiError } from '../src/server/errors.ts';
import { intakeAlert, transition, listCases, warnings, patrolStats, getCaseDetail } from '../src/farmland/patrol.ts';

/** The HTTP status an error is answered with (domain errors carry a kind, mapped in src/server/errors.ts). */
const statusOf = (e: unknown) => apiError(e as FastifyError).statusCode;

async function refused(p: Promise<unknown>, status: number, code: string, re?: RegExp) {
  await assert.rejects(p, (e: Error & { statusCode?: number; code?: string; problems?: unknown[] }) => {
    assert.equal(statusOf(e), status, e.message);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

for (const t of testDatabases()) {
  describe(`patrol alerts and cases (${t.name})`, () => {
    let db: Db;
    let config: Config;
    let clock: ManualClock;
    let close: () => Promise<void>;
    /** GeoJSON (EPSG:4490) of an EPSG:4549 point or rectangle, relative to (E0, N0). */
    const lonlat = async (x0: number, y0: number, x1?: number, y1?: number) => {
      const g =
        x1 === undefined ? `ST_MakePoint(${E0 + x0}, ${N0 + y0})` : `ST_MakeEnvelope(${E0 + x0}, ${N0 + y0}, ${E0 + x1}, ${N0 + y1!})`;
      return JSON.parse(
        (await db.query<{ j: string }>(`SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(${g}, 4549), 4490), 12) AS j`)).rows[0].j,
      );
    };
    const audits = async (prefix: string) =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE $1`, [`${prefix}%`])).rows[0].n;
    const ids: Record<string, number> = {};

    before(async () => {
      const h = await t.open();
      ({ db, close } = h);
      clock = fixedClock('2026-06-01');
      config = { ...h.config, clock };
      await loadCity(db, config);
    });
    after(async () => close());

    test('intake opens a case; alerts on the same spot are merged (多违合一); duplicates are recognised', async () => {
      const a1 = await intakeAlert(
        db,
        config,
        {
          source: 'camera',
          externalId: 'TT-0001',
          observedAt: '2026-06-01T08:00:00+08:00',
          geometry: await lonlat(1000, 1000),
          evidenceUrl: 'https://cam.example/TT-0001.jpg',
        },
        'cam-bot',
      );
      assert.equal(a1.outcome, 'new-case');
      ids.C1 = a1.caseId;
      const c1 = await getCaseDetail(db, clock, ids.C1);
      assert.equal(c1.status, 'new');
      assert.equal(c1.district, EAST);
      assert.equal(c1.deadline, '2026-06-02', 'assign within 1 day (settings.patrol.deadlines.assign)');

      const a2 = await intakeAlert(
        db,
        config,
        { source: 'remote-sensing', externalId: 'RS-77', observedAt: '2026-05-28T00:00:00Z', geometry: await lonlat(990, 990, 1010, 1010) },
        'rs-bot',
      );
      assert.deepEqual([a2.outcome, a2.caseId], ['merged', ids.C1]);
      assert.equal(a2.distanceM, 0);

      const a3 = await intakeAlert(
        db,
        config,
        { source: 'drone', observedAt: '2026-06-01T09:00:00+08:00', geometry: await lonlat(961, 1000) },
        'drone-bot',
      );
      assert.deepEqual([a3.outcome, a3.caseId], ['merged', ids.C1]);
      assert.ok(Math.abs(a3.distanceM! - 29) < 0.01, `29 m from the remote-sensing polygon, got ${a3.distanceM}`);

      const a4 = await intakeAlert(
        db,
        config,
        { source: 'drone', observedAt: '2026-06-01T09:05:00+08:00', geometry: await lonlat(1041, 1000) },
        'drone-bot',
      );
      assert.equal(a4.outcome, 'new-case', '31 m away: beyond the 30 m merge distance');
      ids.C2 = a4.caseId;

      const again = await intakeAlert(
        db,
        config,
        { source: 'camera', externalId: 'TT-0001', observedAt: '2026-06-01T08:00:00+08:00', geometry: await lonlat(1000, 1000) },
        'cam-bot',
      );
      assert.deepEqual([again.outcome, again.alertId, again.caseId], ['duplicate', a1.alertId, ids.C1]);

      const detail = await getCaseDetail(db, clock, ids.C1);
      assert.equal(detail.alertCount, 3);
      assert.deepEqual(detail.sources, ['camera', 'drone', 'remote-sensing']);
      assert.ok(Math.abs(detail.areaM2 - 400) < 0.01, `the case's spot grew to cover the 20 m × 20 m polygon, got ${detail.areaM2}`);
      assert.equal(await audits('farmland.alert'), 4, 'four alerts taken in (the duplicate writes nothing)');
    });

    test('bad alerts are refused with the reason', async () => {
      await refused(
        intakeAlert(db, config, { source: 'satellite', observedAt: '2026-06-01T00:00:00Z', geometry: await lonlat(0, 0) }, 'x'),
        400,
        'bad_request',
        /source/,
      );
      await refused(
        intakeAlert(db, config, { source: 'camera', observedAt: 'yesterday', geometry: await lonlat(0, 0) }, 'x'),
        400,
        'bad_request',
        /observedAt/,
      );
      await refused(
        intakeAlert(db, config, { source: 'camera', observedAt: '2026-06-03T00:00:00Z', geometry: await lonlat(0, 0) }, 'x'),
        400,
        'bad_request',
        /future|未来/,
      );
      await refused(
        intakeAlert(
          db,
          config,
          { source: 'camera', observedAt: '2026-06-01T00:00:00Z', geometry: { type: 'Point', coordinates: [30.27, 120.0] } },
          'x',
        ),
        400,
        'invalid_geometry',
        /outside the city extent/,
      );
      await refused(
        intakeAlert(
          db,
          config,
          {
            source: 'camera',
            observedAt: '2026-06-01T00:00:00Z',
            geometry: {
              type: 'LineString',
              coordinates: [
                [120, 30.27],
                [120.01, 30.27],
              ],
            },
          },
          'x',
        ),
        400,
        'invalid_geometry',
        /Point, Polygon or MultiPolygon/,
      );
    });

    test('every transition, with deadlines; the reason is required', async () => {
      await refused(transition(db, clock, ids.C1, { action: 'assign' }, 'inspector'), 400, 'bad_request', /assignee/);
      let c = await transition(db, clock, ids.C1, { action: 'assign', assignee: '张田长' }, 'inspector');
      assert.deepEqual([c.status, c.assignee, c.deadline], ['assigned', '张田长', '2026-06-04']);
      c = await transition(db, clock, ids.C1, { action: 'assign', assignee: '李田长', note: '改派' }, 'inspector');
      assert.deepEqual([c.status, c.assignee], ['assigned', '李田长'], 're-assigning is allowed');
      await refused(transition(db, clock, ids.C1, { action: 'verify' }, 'inspector'), 400, 'bad_request', /核查情况/);
      c = await transition(
        db,
        clock,
        ids.C1,
        { action: 'verify', note: '现场核实：耕地上堆放建材约 300 m²', verification: { landUse: '堆放', areaM2: 300 } },
        'inspector',
      );
      assert.deepEqual([c.status, c.deadline], ['verified', '2026-06-03']);
      await refused(transition(db, clock, ids.C1, { action: 'rectify' }, 'inspector'), 400, 'bad_request', /理由/);
      c = await transition(db, clock, ids.C1, { action: 'rectify', note: '责令 30 日内清理复耕' }, 'inspector');
      assert.deepEqual([c.status, c.deadline, c.open], ['rectifying', '2026-07-01', true]);
      clock.set('2026-06-20');
      c = await transition(db, clock, ids.C1, { action: 'complete', note: '已清理复耕，现场复核通过' }, 'inspector');
      assert.deepEqual([c.status, c.open, c.closedOn, c.allowedActions], ['rectified', false, '2026-06-20', []]);

      // verified → violation (立案) needs its reason; assigned → false alarm.
      await transition(db, clock, ids.C2, { action: 'assign', assignee: '王田长' }, 'inspector');
      await transition(db, clock, ids.C2, { action: 'verify', note: '新建房屋 120 m²' }, 'inspector');
      await refused(transition(db, clock, ids.C2, { action: 'violation' }, 'inspector'), 400, 'bad_request', /理由/);
      c = await transition(db, clock, ids.C2, { action: 'violation', note: '未批先建，移交执法立案' }, 'inspector');
      assert.deepEqual([c.status, c.open], ['violation', false]);

      const a = await intakeAlert(
        db,
        config,
        { source: 'camera', observedAt: '2026-06-20T10:00:00+08:00', geometry: await lonlat(-2000, 500) },
        'cam-bot',
      );
      const cf = await getCaseDetail(db, clock, a.caseId);
      assert.equal(cf.district, WEST);
      await transition(db, clock, a.caseId, { action: 'assign', assignee: '赵田长' }, 'inspector');
      c = await transition(db, clock, a.caseId, { action: 'false-alarm', note: '农户晾晒作物，非违法占用' }, 'inspector');
      assert.deepEqual([c.status, c.open], ['false_alarm', false]);
      ids.C3 = a.caseId;

      const history = (await getCaseDetail(db, clock, ids.C1)).events.map((e) => `${e.action}:${e.from_status ?? ''}→${e.to_status}`);
      assert.deepEqual(history, [
        'open:→new',
        'merge:→new',
        'merge:→new',
        'assign:new→assigned',
        'assign:assigned→assigned',
        'verify:assigned→verified',
        'rectify:verified→rectifying',
        'complete:rectifying→rectified',
      ]);
      for (const act of ['assign', 'verify', 'rectify', 'complete', 'violation', 'false-alarm'])
        assert.ok((await audits(`farmland.case.${act}`)) >= 1, `farmland.case.${act} audited`);
    });

    test('illegal transitions are refused, naming the current state and what is allowed', async () => {
      const n = await intakeAlert(
        db,
        config,
        { source: 'patrol', observedAt: '2026-06-20T10:00:00+08:00', geometry: await lonlat(3000, 3000) },
        'tianzhang',
      );
      await assert.rejects(
        transition(db, clock, n.caseId, { action: 'verify', note: 'x' }, 'inspector'),
        (e: Error & { statusCode?: number; code?: string; problems?: { current: string; allowed: string[] }[] }) => {
          assert.equal(statusOf(e), 409);
          assert.equal(e.code, 'illegal_transition');
          assert.match(e.message, /待派发/);
          assert.match(e.message, /派发/);
          assert.deepEqual(e.problems, [{ current: 'new', requested: 'verify', allowed: ['assign'] }]);
          return true;
        },
      );
      await refused(transition(db, clock, n.caseId, { action: 'complete', note: 'x' }, 'inspector'), 409, 'illegal_transition');
      await refused(
        transition(db, clock, ids.C1, { action: 'assign', assignee: 'x' }, 'inspector'),
        409,
        'illegal_transition',
        /已办结|none/,
      );
      await refused(transition(db, clock, ids.C2, { action: 'false-alarm', note: 'x' }, 'inspector'), 409, 'illegal_transition');
      await refused(transition(db, clock, n.caseId, { action: 'close' }, 'inspector'), 400, 'bad_request', /未知操作/);
      await refused(transition(db, clock, 999999, { action: 'assign', assignee: 'x' }, 'inspector'), 404, 'not_found');
    });

    test('a closed case does not absorb a new alert on its spot', async () => {
      const a = await intakeAlert(
        db,
        config,
        { source: 'camera', observedAt: '2026-06-20T11:00:00+08:00', geometry: await lonlat(1000, 1000) },
        'cam-bot',
      );
      assert.equal(a.outcome, 'new-case', 'C1 was rectified: a new violation there is a new case');
      assert.notEqual(a.caseId, ids.C1);
      ids.C4 = a.caseId;
    });

    test('deadlines: due soon on the last day, overdue the day after (test clock)', async () => {
      // C4 opened 2026-06-20: assign by 2026-06-21 (1 day); warning one day before the deadline.
      let c = (await listCases(db, clock, { status: ['new'] })).find((x) => x.id === ids.C4)!;
      assert.deepEqual([c.deadline, c.daysLeft, c.dueSoon, c.overdue], ['2026-06-21', 1, true, false]);
      clock.set('2026-06-21');
      c = (await listCases(db, clock, {})).find((x) => x.id === ids.C4)!;
      assert.deepEqual([c.daysLeft, c.dueSoon, c.overdue], [0, true, false]);
      clock.set('2026-06-22');
      c = (await listCases(db, clock, {})).find((x) => x.id === ids.C4)!;
      assert.deepEqual([c.daysLeft, c.dueSoon, c.overdue], [-1, false, true]);
      const w = await warnings(db, clock, null);
      assert.ok(w.overdue.some((x) => x.id === ids.C4));
      assert.ok(!w.overdue.some((x) => x.id === ids.C1), 'closed cases are never overdue');
      assert.deepEqual((await listCases(db, clock, { overdue: true })).map((x) => x.id).sort(), w.overdue.map((x) => x.id).sort());
      // Acting on it moves the deadline on (verify within 3 days of the assignment).
      c = await transition(db, clock, ids.C4, { action: 'assign', assignee: '张田长' }, 'inspector');
      assert.deepEqual([c.deadline, c.overdue], ['2026-06-25', false]);
    });

    test('statistics by district and source; filters by district', async () => {
      const s = await patrolStats(db, clock, null);
      const east = s.byDistrict.find((d) => d.district === EAST)!;
      const west = s.byDistrict.find((d) => d.district === WEST)!;
      // EAST: C1 (rectified, 3 alerts), C2 (violation, 1), the patrol case (new, 1), C4 (assigned, 1); WEST: C3 (false alarm, 1)
      assert.deepEqual([east.openCases, east.closedCases, east.alerts], [2, 2, 6]);
      assert.deepEqual([west.openCases, west.closedCases, west.alerts], [0, 1, 1]);
      const camera = s.bySource.find((x) => x.source === 'camera')!;
      assert.deepEqual([camera.alerts, camera.openCases + camera.closedCases], [3, 3], 'camera alerts: C1, C3, C4');
      const drone = s.bySource.find((x) => x.source === 'drone')!;
      assert.deepEqual([drone.alerts, drone.openCases + drone.closedCases], [2, 2], 'drone alerts: one merged into C1, one opening C2');
      assert.deepEqual(
        (await listCases(db, clock, { districts: [WEST] })).map((c) => c.id),
        [ids.C3],
      );
      assert.deepEqual(
        (await listCases(db, clock, { source: 'remote-sensing' })).map((c) => c.id),
        [ids.C1],
      );
    });
  });
}
