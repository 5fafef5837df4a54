// 规划一点通 on every test database: what applies at a point of the hand-made city (unit,
// indicator limits, land use, control lines), restricted layers never in an answer, the 附近规划
// radius boundary, the consultation and comment lifecycle with moderation, closed consultations
// refused, and every write in the audit trail.
//
// The city (test/helpers/city.ts) is in EPSG:4549 on the zone-40 central meridian, where the
// Gauss-Krüger scale factor is 1: a planar distance in the test's metres is the distance the
// portal measures in that zone, so a facility placed 999 m away is 999 m away.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, fc, E0, N0, RESTRICTED_MARK } from './helpers/city.ts';
import { memoryReader } from './helpers/memory-reader.ts';
import { buildApp } from '../src/server/app.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import { fixedClock } from '../src/util/clock.ts';
import { seedDemoConsultations } from '../src/portal/demo.ts';
import type { Geometry } from '../src/util/wkb.ts';

// The point asked about: inside GH-W (0701 城镇住宅用地) of loadCity, x = -1500, y = 500.
const PX = -1500;
const PY = 500;
const pt = (x: number, y: number): Geometry => ({ type: 'Point', coordinates: [E0 + x, N0 + y] });
const RESTRICTED = ['DLTB', 'ZD', 'GBZNT', 'LSSCGNQ', 'CX', 'JCJK', 'YNCBQ'];

for (const tdb of testDatabases()) {
  describe(`public portal on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    const clock = fixedClock('2026-03-10');
    let planner: Record<string, string>;
    let admin: Record<string, string>;
    let reviewer: Record<string, string>;
    let lon = 0;
    let lat = 0;
    const toLonLat = async (x: number, y: number) => {
      const r = await h.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(g) AS lon, ST_Y(g) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4549), 4490) AS g) s`,
        [E0 + x, N0 + y],
      );
      return r.rows[0];
    };
    const call = (o: InjectOptions, headers: Record<string, string> = {}) =>
      app.inject({ ...o, headers: { ...(o.headers as Record<string, string> | undefined), ...headers } });
    const at = (q = '', headers: Record<string, string> = {}) => call({ url: `/api/portal/at?lon=${lon}&lat=${lat}${q}` }, headers);
    const audit = async (action: string) =>
      (
        await h.db.query<{ actor: string; entity_id: string; before: unknown; after: Record<string, unknown> }>(
          `SELECT actor, entity_id, before, after FROM audit_log WHERE action = $1 ORDER BY id`,
          [action],
        )
      ).rows;

    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      const config = { ...h.config, clock };
      const load = (layer: string, feats: { fid: string; geometry: Geometry; props?: Record<string, unknown> }[]) =>
        importFromReader(h.db, config, memoryReader(feats, { srid: 4549 }), { layer, user: 'test' });
      await load('XXGHDY', [
        {
          fid: 'XH01',
          geometry: sq(-3000, -1000, 0, 2000),
          props: {
            DYBH: 'XH01',
            DYMC: '西湖测试单元',
            DYLX: '城镇单元',
            RJLSX: 2.5,
            JZMDSX: 30,
            LDLXX: 35,
            JZXG: 60,
            PFWH: '杭政函〔2024〕88号',
          },
        },
      ]);
      await load('ZX', [{ fid: 'ZX1', geometry: sq(-1600, 400, -1400, 600), props: { BHMC: '测试历史街区', BHJB: '市级' } }]);
      // Restricted control layers right over the point: they must never show up.
      await load('CX', [{ fid: 'CX1', geometry: sq(-2000, 0, -1000, 1000), props: { SSMC: `加油站 ${RESTRICTED_MARK}`, HCJL: 50 } }]);
      await load('JCJK', [{ fid: 'JK1', geometry: sq(-3000, -1000, 0, 2000), props: { JCMC: `机场 ${RESTRICTED_MARK}`, XZGC: 80 } }]);
      await load('GGFWSS', [
        { fid: 'F-300', geometry: pt(PX + 300, PY), props: { SSMC: '测试幼儿园', SSLX: '幼儿园', SSLXDM: '0101' } },
        { fid: 'F-999', geometry: pt(PX + 999, PY), props: { SSMC: '测试小学', SSLX: '小学', SSLXDM: '0102' } },
        { fid: 'F-1001', geometry: pt(PX, PY + 1001), props: { SSMC: '测试中学', SSLX: '中学', SSLXDM: '0103' } },
      ]);
      await load('GYLD', [
        // Nearest edge at x = -900: 600 m east of the point.
        { fid: 'P-600', geometry: sq(-900, 400, -800, 600), props: { GYMC: '近邻游园', GYLX: '游园' } },
        // Nearest edge at y = 1600: 1100 m north.
        { fid: 'P-1100', geometry: sq(-1550, 1600, -1450, 1700), props: { GYMC: '远处公园', GYLX: '社区公园' } },
      ]);
      // Record what each handler returned and what its response schema sent: they must be equal
      // (fast-json-stringify silently drops unlisted fields and turns null into "" or 0).
      const onInit = (message: unknown) => {
        const fastify = (message as { fastify: FastifyInstance }).fastify;
        const returned = new WeakMap<object, string>();
        fastify.addHook('preSerialization', async (req, _reply, payload) => {
          returned.set(req, JSON.stringify(payload));
          return payload;
        });
        fastify.addHook('onSend', async (req, reply, payload) => {
          const r = returned.get(req);
          if (r !== undefined && typeof payload === 'string' && req.url.startsWith('/api/portal'))
            exchanges.push({ url: `${req.method} ${req.url} → ${reply.statusCode}`, returned: r, sent: payload });
          return payload;
        });
      };
      diagnostics.subscribe('fastify.initialization', onInit);
      try {
        app = await buildApp({ db: h.db, config });
      } finally {
        diagnostics.unsubscribe('fastify.initialization', onInit);
      }
      planner = await authHeaders(h.db, 'planner', { username: 'planner1' });
      admin = await authHeaders(h.db, 'admin', { username: 'admin1' });
      reviewer = await authHeaders(h.db, 'reviewer', { username: 'reviewer1' });
      ({ lon, lat } = await toLonLat(PX, PY));
    });
    after(async () => {
      await app.close();
      await h.close();
    });
    const exchanges: { url: string; returned: string; sent: string }[] = [];

    test('the unit at the point with its indicator limits, the land use and the control lines', async () => {
      const r = await at();
      assert.equal(r.statusCode, 200, r.body);
      const a = r.json();
      assert.deepEqual(a.district, { code: '330106', name: '西湖区' });
      assert.equal(a.unit.fid, 'XH01');
      assert.equal(a.unit.label, '西湖测试单元');
      const limits = Object.fromEntries(a.unit.indicators.map((i: { field: string; value: number }) => [i.field, i.value]));
      assert.deepEqual(limits, { RJLSX: 2.5, JZMDSX: 30, LDLXX: 35, JZXG: 60 });
      const far = a.unit.indicators.find((i: { field: string }) => i.field === 'RJLSX');
      assert.deepEqual([far.label, far.kind], ['容积率上限', 'max']);
      const green = a.unit.indicators.find((i: { field: string }) => i.field === 'LDLXX');
      assert.deepEqual([green.label, green.unit, green.kind], ['绿地率下限', '%', 'min']);
      // 3 km × 3 km unit = 9,000,000 m² = 13,500 亩 (ellipsoidal ≈ planar at the central meridian, within 0.1%).
      assert.ok(Math.abs(a.unit.areaM2 - 9e6) / 9e6 < 1e-3, `unit area ${a.unit.areaM2}`);
      assert.ok(Math.abs(a.unit.areaMu - 13500) / 13500 < 1e-3);
      assert.ok(
        a.unit.attributes.some((x: { label: string; value: unknown }) => x.label === '批复文号' && x.value === '杭政函〔2024〕88号'),
      );
      // GH-W carries no limits of its own: the unit's apply to it.
      assert.deepEqual(
        [a.landUse.fid, a.landUse.code, a.landUse.name, a.landUse.indicatorSource],
        ['GH-W', '0701', '城镇住宅用地', 'XXGHDY'],
      );
      assert.equal(a.landUse.indicators.length, 4);
      const controls = a.controls.map((c: { layer: string }) => c.layer).sort();
      assert.deepEqual(controls, ['CZKFBJ', 'ZX']);
      const zx = a.controls.find((c: { layer: string }) => c.layer === 'ZX');
      assert.equal(zx.label, '测试历史街区');
      assert.match(zx.legalBasis, /城市紫线管理办法/);
    });

    test('restricted layers never appear, whoever asks', async () => {
      for (const headers of [{}, admin, planner]) {
        const r = await at('', headers);
        assert.equal(r.statusCode, 200);
        assert.ok(!r.body.includes(RESTRICTED_MARK), 'a restricted attribute leaked');
        const a = r.json();
        const codes = new Set([...a.controls.map((c: { layer: string }) => c.layer), ...Object.keys(a.versions)]);
        for (const code of RESTRICTED) assert.ok(!codes.has(code), `${code} in a portal answer`);
        assert.ok(!Object.keys(a.versions).includes('CX'));
      }
    });

    test('附近规划: 999 m is inside the 1,000 m radius, 1,001 m is not; parks by distance to their edge', async () => {
      const a = (await at()).json();
      const fac = Object.fromEntries(a.nearby.facilities.map((f: { fid: string; distanceM: number }) => [f.fid, f.distanceM]));
      assert.deepEqual(Object.keys(fac).sort(), ['F-300', 'F-999']);
      assert.ok(Math.abs(fac['F-300'] - 300) < 0.01, `F-300 at ${fac['F-300']}`);
      assert.ok(Math.abs(fac['F-999'] - 999) < 0.01, `F-999 at ${fac['F-999']}`);
      assert.equal(a.nearby.radiusM, 1000);
      assert.deepEqual(
        a.nearby.facilities.map((f: { fid: string }) => f.fid),
        ['F-300', 'F-999'],
        'nearest first',
      );
      assert.equal(a.nearby.facilities[1].type, '小学');
      assert.deepEqual(
        a.nearby.parks.map((p: { fid: string }) => p.fid),
        ['P-600'],
      );
      assert.ok(Math.abs(a.nearby.parks[0].distanceM - 600) < 0.01);
      // 100 m × 200 m park = 20,000 m² = 30 亩.
      assert.ok(Math.abs(a.nearby.parks[0].areaMu - 30) < 0.05, `park ${a.nearby.parks[0].areaMu} 亩`);
      const wide = (await at('&radius=1200')).json();
      assert.deepEqual(
        wide.nearby.facilities.map((f: { fid: string }) => f.fid),
        ['F-300', 'F-999', 'F-1001'],
      );
      assert.deepEqual(
        wide.nearby.parks.map((p: { fid: string }) => p.fid),
        ['P-600', 'P-1100'],
      );
      assert.ok(Math.abs(wide.nearby.parks[1].distanceM - 1100) < 0.01);
    });

    test('bad points and radii are refused with the parameter named; an empty place answers nulls', async () => {
      const out = await call({ url: '/api/portal/at?lon=10&lat=10' });
      assert.equal(out.statusCode, 400);
      assert.equal(out.json().code, 'outside_extent');
      assert.match(out.json().error, /lon=10, lat=10/);
      const noLat = await call({ url: `/api/portal/at?lon=${lon}` });
      assert.equal(noLat.statusCode, 400);
      assert.match(noLat.json().error, /lat/);
      assert.equal((await at('&radius=5000')).statusCode, 400);
      const far = await toLonLat(4000, -4000);
      const e = (await call({ url: `/api/portal/at?lon=${far.lon}&lat=${far.lat}` })).json();
      assert.equal(e.unit, null);
      assert.equal(e.landUse, null);
      assert.deepEqual(e.nearby.facilities, []);
      assert.equal(e.district.code, '330110');
    });

    test('consultation lifecycle: publish, comment, moderate; only approved comments are public', async () => {
      // Published 2026-03-05 … 2026-03-20 over the point (clock: 2026-03-10).
      const c = await call(
        {
          method: 'POST',
          url: '/api/portal/consultations',
          payload: {
            title: '《西湖测试单元详细规划（修改）》批前公示',
            summary: '调整一处用地',
            planType: '详细规划',
            organiser: '测试局',
            startDate: '2026-03-05',
            endDate: '2026-03-20',
            documents: [{ title: '图则' }],
            geojson: fc(sq(-2000, 0, -1000, 1000)),
          },
        },
        planner,
      );
      assert.equal(c.statusCode, 201, c.body);
      const id = c.json().id;
      assert.equal(c.json().state, 'open');
      assert.equal(c.json().daysLeft, 11, '10 March to 20 March, both days included');
      // 1 km × 1 km = 1,000,000 m² = 1,500 亩.
      assert.ok(Math.abs(c.json().areaMu - 1500) / 1500 < 1e-3);

      const pub = (await call({ url: '/api/portal/consultations?state=open' })).json();
      assert.deepEqual(
        pub.map((x: { id: number }) => x.id),
        [id],
      );
      assert.equal(pub[0].pendingComments, undefined, 'moderation counts are for staff');
      const here = (await at()).json();
      assert.deepEqual(
        here.consultations.map((x: { id: number }) => x.id),
        [id],
      );

      const short = await call({ method: 'POST', url: `/api/portal/consultations/${id}/comments`, payload: { text: '太短了 ' } });
      assert.equal(short.statusCode, 400);
      assert.match(short.json().error, /5–2000/);
      const ok1 = await call({
        method: 'POST',
        url: `/api/portal/consultations/${id}/comments`,
        payload: { name: '张先生', contact: '13800000000', text: '建议增加停车位。' },
      });
      assert.equal(ok1.statusCode, 201, ok1.body);
      assert.deepEqual([ok1.json().status, ok1.json().submittedOn], ['pending', '2026-03-10']);
      const ok2 = await call({ method: 'POST', url: `/api/portal/consultations/${id}/comments`, payload: { text: '无关的广告内容12345' } });
      assert.equal(ok2.statusCode, 201);

      let detail = (await call({ url: `/api/portal/consultations/${id}` })).json();
      assert.deepEqual(detail.comments, [], 'pending comments are not public');
      assert.equal(detail.geometry.type, 'MultiPolygon');

      assert.equal((await call({ url: '/api/portal/comments?status=pending' })).statusCode, 401);
      assert.equal((await call({ url: '/api/portal/comments?status=pending' }, reviewer)).statusCode, 403);
      const queue = (await call({ url: '/api/portal/comments?status=pending' }, planner)).json();
      assert.deepEqual(
        queue.map((q: { id: number }) => q.id),
        [ok1.json().id, ok2.json().id],
      );
      assert.equal(queue[0].contact, '13800000000');

      const noReason = await call(
        { method: 'POST', url: `/api/portal/comments/${ok2.json().id}/moderation`, payload: { decision: 'rejected' } },
        planner,
      );
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.json().error, /reason/);
      const rej = await call(
        {
          method: 'POST',
          url: `/api/portal/comments/${ok2.json().id}/moderation`,
          payload: { decision: 'rejected', reason: '与规划无关' },
        },
        planner,
      );
      assert.equal(rej.statusCode, 200, rej.body);
      assert.deepEqual([rej.json().status, rej.json().moderatedBy, rej.json().reason], ['rejected', 'planner1', '与规划无关']);
      const appr = await call(
        { method: 'POST', url: `/api/portal/comments/${ok1.json().id}/moderation`, payload: { decision: 'approved' } },
        admin,
      );
      assert.equal(appr.statusCode, 200);
      const again = await call(
        { method: 'POST', url: `/api/portal/comments/${ok1.json().id}/moderation`, payload: { decision: 'approved' } },
        admin,
      );
      assert.equal(again.statusCode, 409);

      const d = await call({ url: `/api/portal/consultations/${id}` });
      detail = d.json();
      assert.deepEqual(
        detail.comments.map((m: { name: string; text: string }) => [m.name, m.text]),
        [['张先生', '建议增加停车位。']],
      );
      assert.ok(!d.body.includes('13800000000'), 'contact details are never public');
      assert.equal(detail.approvedComments, 1);
      const staffView = (await call({ url: `/api/portal/consultations/${id}` }, planner)).json();
      assert.deepEqual([staffView.pendingComments, staffView.rejectedComments], [0, 1]);

      // The trail: who published, two anonymous comments (contact recorded as given, not its value), two moderations.
      assert.deepEqual(
        (await audit('consultation.create')).map((e) => [e.actor, e.entity_id]),
        [['planner1', String(id)]],
      );
      const comments = await audit('consultation.comment');
      assert.deepEqual(
        comments.map((e) => [e.actor, e.after.status, e.after.contactGiven]),
        [
          ['anonymous', 'pending', true],
          ['anonymous', 'pending', false],
        ],
      );
      assert.ok(!JSON.stringify(comments).includes('13800000000'));
      const mod = await audit('consultation.comment.moderate');
      assert.deepEqual(
        mod.map((e) => [e.actor, (e.before as { status: string }).status, e.after.status]),
        [
          ['planner1', 'pending', 'rejected'],
          ['admin1', 'pending', 'approved'],
        ],
      );

      // A consultation with comments stays on record.
      const del = await call({ method: 'DELETE', url: `/api/portal/consultations/${id}` }, planner);
      assert.equal(del.statusCode, 409);
      assert.match(del.json().error, /2 条公众意见/);
    });

    test('closed and not-yet-open consultations refuse comments and store nothing', async () => {
      const mk = async (startDate: string, endDate: string) => {
        const r = await call(
          {
            method: 'POST',
            url: '/api/portal/consultations',
            payload: { title: `公示 ${startDate}`, startDate, endDate, geojson: fc(sq(-4000, -4000, -3500, -3500)) },
          },
          planner,
        );
        assert.equal(r.statusCode, 201, r.body);
        return r.json().id as number;
      };
      const closed = await mk('2026-02-01', '2026-03-09');
      const later = await mk('2026-03-11', '2026-04-10');
      const count = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultation_comment')).rows[0].n;
      const auditCount = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
      const n0 = await count();
      const a0 = await auditCount();
      const r1 = await call({
        method: 'POST',
        url: `/api/portal/consultations/${closed}/comments`,
        payload: { text: '我有一个意见要提。' },
      });
      assert.equal(r1.statusCode, 409);
      assert.equal(r1.json().code, 'consultation_closed');
      assert.match(r1.json().error, /2026年03月09日结束/);
      const r2 = await call({
        method: 'POST',
        url: `/api/portal/consultations/${later}/comments`,
        payload: { text: '我有一个意见要提。' },
      });
      assert.equal(r2.statusCode, 409);
      assert.equal(r2.json().code, 'consultation_not_open');
      assert.equal(
        (await call({ method: 'POST', url: '/api/portal/consultations/999999/comments', payload: { text: '我有一个意见要提。' } }))
          .statusCode,
        404,
      );
      assert.equal(await count(), n0);
      assert.equal(await auditCount(), a0);

      // The next day the second one opens; the last day of a consultation is still open.
      clock.set('2026-03-11');
      try {
        assert.equal(
          (await call({ method: 'POST', url: `/api/portal/consultations/${later}/comments`, payload: { text: '开始后提交的意见。' } }))
            .statusCode,
          201,
        );
        const states = Object.fromEntries(
          (await call({ url: '/api/portal/consultations' })).json().map((c: { id: number; state: string }) => [c.id, c.state]),
        );
        assert.deepEqual([states[closed], states[later]], ['closed', 'open']);
        clock.set('2026-04-10');
        assert.equal(
          (await call({ method: 'POST', url: `/api/portal/consultations/${later}/comments`, payload: { text: '最后一天的意见。' } }))
            .statusCode,
          201,
        );
        clock.set('2026-04-11');
        assert.equal(
          (await call({ method: 'POST', url: `/api/portal/consultations/${later}/comments`, payload: { text: '过了最后一天。' } }))
            .statusCode,
          409,
        );
      } finally {
        clock.set('2026-03-10');
      }

      // Staff edits: invalid dates refused with the field named, nothing changed; a valid change is audited.
      const bad = await call({ method: 'PATCH', url: `/api/portal/consultations/${closed}`, payload: { endDate: '2026-01-01' } }, planner);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error, /endDate 2026-01-01 is before startDate 2026-02-01/);
      const ok = await call({ method: 'PATCH', url: `/api/portal/consultations/${closed}`, payload: { endDate: '2026-03-31' } }, planner);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().state, 'open');
      const upd = (await audit('consultation.update')).at(-1)!;
      assert.deepEqual([(upd.before as { endDate: string }).endDate, upd.after.endDate], ['2026-03-09', '2026-03-31']);
      // One without comments may be deleted (a mistake), and the deletion is on the trail.
      const fresh = await mk('2026-05-01', '2026-05-30');
      assert.equal((await call({ method: 'DELETE', url: `/api/portal/consultations/${fresh}` }, planner)).statusCode, 200);
      assert.equal((await call({ url: `/api/portal/consultations/${fresh}` })).statusCode, 404);
      assert.deepEqual(
        (await audit('consultation.delete')).map((e) => e.entity_id),
        [String(fresh)],
      );
      assert.equal(
        (
          await call({
            method: 'POST',
            url: '/api/portal/consultations',
            payload: { title: 'x', startDate: '2026-05-01', endDate: '2026-05-30', geojson: fc(sq(0, 0, 10, 10)) },
          })
        ).statusCode,
        401,
      );
    });

    test('地块编码查询 finds planned parcels by code, never a restricted layer, and the point it gives lies in the parcel', async () => {
      const find = async (q: string) => {
        const r = await call({ url: `/api/portal/parcels?q=${encodeURIComponent(q)}` });
        assert.equal(r.statusCode, 200, r.body);
        return r.json() as { layer: string; fid: string; label: string; bbox: number[]; center: [number, number] }[];
      };
      const exact = await find('gh-w');
      assert.deepEqual(
        exact.map((x) => [x.layer, x.fid, x.label]),
        [['GHYD', 'GH-W', 'GH-W 城镇住宅用地']],
      );
      // The point given is inside GH-W: asking there answers that parcel.
      const [clon, clat] = exact[0].center;
      assert.ok(clon >= exact[0].bbox[0] && clon <= exact[0].bbox[2] && clat >= exact[0].bbox[1] && clat <= exact[0].bbox[3]);
      const there = (await call({ url: `/api/portal/at?lon=${clon}&lat=${clat}` })).json();
      assert.equal(there.landUse.fid, 'GH-W');
      // Prefix: both parcels, shorter and then alphabetical codes first.
      assert.deepEqual(
        (await find('GH-')).map((x) => x.fid),
        ['GH-E', 'GH-W'],
      );
      // The cadastral parcels ZD-W / ZD-E (restricted) are not found, whoever asks; "_" is a character, not a wildcard.
      assert.deepEqual(await find('ZD-W'), []);
      const staff = await call({ url: '/api/portal/parcels?q=ZD-W' }, admin);
      assert.deepEqual(staff.json(), []);
      assert.deepEqual(await find('_'), []);
      const empty = await call({ url: '/api/portal/parcels?q=' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.json().error, /q/);
    });

    test('consultation areas as GeoJSON: the same consultations as the list, filtered by state, with their boundaries', async () => {
      const list = (await call({ url: '/api/portal/consultations' })).json() as {
        id: number;
        state: string;
        bbox: number[];
        daysLeft: number | null;
      }[];
      const r = await call({ url: '/api/portal/consultation-areas' });
      assert.equal(r.statusCode, 200, r.body);
      const fcol = r.json();
      assert.equal(fcol.type, 'FeatureCollection');
      assert.deepEqual(
        fcol.features.map((f: { id: number }) => f.id),
        list.map((c) => c.id),
      );
      for (const f of fcol.features as {
        id: number;
        geometry: { type: string; coordinates: number[][][][] };
        properties: { state: string; daysLeft: number | null };
      }[]) {
        const c = list.find((x) => x.id === f.id)!;
        assert.equal(f.geometry.type, 'MultiPolygon');
        assert.deepEqual([f.properties.state, f.properties.daysLeft], [c.state, c.daysLeft]);
        // The boundary's own extent is the bbox the list reports (7 decimals ≈ 1 cm).
        const pts = f.geometry.coordinates.flat(2);
        const ext = [
          Math.min(...pts.map((p) => p[0])),
          Math.min(...pts.map((p) => p[1])),
          Math.max(...pts.map((p) => p[0])),
          Math.max(...pts.map((p) => p[1])),
        ];
        ext.forEach((v, i) => assert.ok(Math.abs(v - c.bbox[i]) < 1e-6, `consultation ${c.id} extent ${ext} vs bbox ${c.bbox}`));
      }
      for (const state of ['open', 'upcoming', 'closed']) {
        const only = (await call({ url: `/api/portal/consultation-areas?state=${state}` })).json();
        assert.deepEqual(
          only.features.map((f: { id: number }) => f.id),
          list.filter((c) => c.state === state).map((c) => c.id),
          state,
        );
      }
      assert.equal((await call({ url: '/api/portal/consultation-areas?state=draft' })).statusCode, 400);
    });

    test('demo consultations: one open and one closed relative to the clock, seeded once', async () => {
      const before = (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultation')).rows[0].n;
      assert.ok(before > 0);
      assert.equal(await seedDemoConsultations(h.db, clock), 0, 'a database with consultations is left alone');
      await h.db.exec('DELETE FROM consultation_comment; DELETE FROM consultation');
      assert.equal(await seedDemoConsultations(h.db, clock), 2);
      const list = (await call({ url: '/api/portal/consultations' })).json();
      assert.deepEqual(list.map((c: { state: string }) => c.state).sort(), ['closed', 'open']);
      const open = list.find((c: { state: string }) => c.state === 'open');
      // 城乡规划法 第二十六条: at least 30 days.
      assert.ok(Date.parse(open.endDate) - Date.parse(open.startDate) >= 29 * 86400_000);
    });

    test('every portal response went out exactly as the handler returned it', () => {
      assert.ok(exchanges.length >= 30, `only ${exchanges.length} portal responses recorded`);
      for (const e of exchanges)
        assert.deepStrictEqual(JSON.parse(e.sent), JSON.parse(e.returned), `${e.url}: the response schema changed the body`);
    });
  });
}
