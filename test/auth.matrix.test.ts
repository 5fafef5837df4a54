// Authorization on every test database: every role × every endpoint family, allowed and refused;
// restricted layers invisible to the public in every output; district scoping of reads and writes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, fc, WEST, RESTRICTED_MARK, E0, N0 } from './helpers/city.ts';
import { multipart } from './helpers/multipart.ts';
import { storeSnapshot } from './helpers/db.ts';
import { buildApp } from '../src/server/app.ts';
import type { StaffRole } from '../src/auth/types.ts';

/** A 规划用地 upload that passes 成果质检 (GHYD rules: YDYHFLDM in the 2023 分类, with its name). */
const ghydFc = (...geoms: Parameters<typeof fc>) => {
  const c = fc(...geoms);
  return { ...c, features: c.features.map((f) => ({ ...f, properties: { ...f.properties, YDYHFLDM: '0701', YDYHFLMC: '城镇住宅用地' } })) };
};

type Role = StaffRole | 'anonymous';
const ROLES: Role[] = ['admin', 'planner', 'reviewer', 'district', 'inspector', 'anonymous'];
const STAFF: Role[] = ['admin', 'planner', 'reviewer', 'district', 'inspector'];
const ALL: Role[] = ROLES;

const inWest = fc(sq(-4500, -4500, -4400, -4400)); // 100 m × 100 m inside 330106
const inEast = fc(sq(4400, 4400, 4500, 4500));
const upload = (name: string, content: unknown, fields: Record<string, string> = {}) => {
  const m = multipart([{ name, content: JSON.stringify(content) }], fields);
  return { payload: m.payload, headers: m.headers };
};

for (const tdb of testDatabases()) {
  describe(`authorization on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    const hdr = {} as Record<Role, Record<string, string>>;
    const call = (role: Role, o: InjectOptions) =>
      app.inject({ ...o, headers: { ...(o.headers as Record<string, string> | undefined), ...hdr[role] } });
    let caseId = 0;

    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: h.config });
      for (const r of STAFF) hdr[r] = await authHeaders(h.db, r as StaffRole, { districts: [WEST], username: `u_${r}` });
      hdr.anonymous = {};
      const c = await call('admin', {
        method: 'POST',
        url: '/api/review/cases',
        payload: { title: '矩阵测试项目', type: 'urban-construction', geojson: inWest },
      });
      assert.equal(c.statusCode, 201, c.body);
      caseId = c.json().id;
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    // Each family: one representative request and the roles allowed. "Allowed" means the guard
    // lets it through (the handler may still answer 4xx for its own reasons, e.g. a case already
    // decided); "refused" means 401 for the public and 403 for a signed-in role.
    const families: { name: string; allowed: Role[]; req: (role: Role) => InjectOptions }[] = [
      { name: 'health', allowed: ALL, req: () => ({ url: '/health' }) },
      { name: 'API document', allowed: ALL, req: () => ({ url: '/api/docs/json' }) },
      { name: 'who am I', allowed: ALL, req: () => ({ url: '/api/auth/me' }) },
      { name: 'layer catalogue', allowed: ALL, req: () => ({ url: '/api/layers' }) },
      { name: 'public layer versions', allowed: ALL, req: () => ({ url: '/api/layers/GHYD/versions' }) },
      { name: 'search', allowed: ALL, req: () => ({ url: '/api/search?q=330106' }) },
      { name: 'OGC API Features', allowed: ALL, req: () => ({ url: '/ogcapi/collections/GHYD/items?limit=5' }) },
      { name: 'vector tiles', allowed: ALL, req: () => ({ url: '/tiles/GHYD.json' }) },
      {
        name: 'layer import',
        allowed: ['admin', 'planner', 'district'],
        req: (r) => ({ method: 'POST', url: `/api/layers/TEST_${r}/import`, ...upload('p.geojson', inWest) }),
      },
      {
        name: 'layer coverage',
        allowed: ['admin'],
        req: () => ({ method: 'PUT', url: '/api/layers/GHYD/coverage', payload: { coverage: null } }),
      },
      { name: 'rule sets read', allowed: STAFF, req: () => ({ url: '/api/review/rulesets' }) },
      {
        name: 'rule set edit',
        allowed: ['admin'],
        req: () => ({ method: 'PUT', url: '/api/review/rulesets/default', payload: { definition: {} } }),
      },
      {
        name: 'machine review',
        allowed: ['admin', 'planner', 'reviewer', 'district'],
        req: () => ({ method: 'POST', url: '/api/review/runs', payload: { type: 'urban-construction', geojson: inWest } }),
      },
      {
        name: 'machine review of a file',
        allowed: ['admin', 'planner', 'reviewer', 'district'],
        req: () => ({ method: 'POST', url: '/api/review/runs/file', ...upload('红线.geojson', inWest, { type: 'urban-construction' }) }),
      },
      { name: 'case list', allowed: STAFF, req: () => ({ url: '/api/review/cases' }) },
      {
        name: 'case submit',
        allowed: ['admin', 'planner', 'district'],
        req: () => ({ method: 'POST', url: '/api/review/cases', payload: { title: '项目', type: 'urban-construction', geojson: inWest } }),
      },
      {
        name: 'finding review',
        allowed: ['admin', 'reviewer'],
        req: () => ({ method: 'POST', url: `/api/review/cases/${caseId}/findings/none/review`, payload: { action: 'confirm' } }),
      },
      {
        name: 'decision',
        allowed: ['admin', 'reviewer'],
        req: () => ({ method: 'POST', url: `/api/review/cases/${caseId}/decision`, payload: { decision: '不通过' } }),
      },
      { name: 'sign', allowed: ['admin', 'reviewer'], req: () => ({ method: 'POST', url: `/api/review/cases/999999/sign` }) },
      { name: 'rerun', allowed: ['admin', 'planner', 'reviewer'], req: () => ({ method: 'POST', url: `/api/review/cases/999999/rerun` }) },
      {
        name: 'consistency review',
        allowed: ['admin', 'planner', 'reviewer'],
        req: () => ({ method: 'POST', url: '/api/review/consistency', payload: { a: 'YJJBNT', b: 'CZKFBJ' } }),
      },
      { name: 'life circle read', allowed: STAFF, req: () => ({ url: '/api/access/types' }) },
      {
        name: 'life circle network build',
        allowed: ['admin', 'planner'],
        req: () => ({ method: 'POST', url: '/api/access/network', payload: {} }),
      },
      { name: 'users', allowed: ['admin'], req: () => ({ url: '/api/users' }) },
      {
        name: 'user add',
        allowed: ['admin'],
        req: (r) => ({ method: 'POST', url: '/api/users', payload: { username: `new_by_${r}`, role: 'inspector' } }),
      },
      {
        name: 'API tokens',
        allowed: ['admin'],
        req: () => ({ method: 'POST', url: '/api/tokens', payload: { username: 'u_inspector', name: '巡查系统' } }),
      },
      { name: 'audit trail', allowed: ['admin'], req: () => ({ url: '/api/audit' }) },
      { name: 'audit export', allowed: ['admin'], req: () => ({ url: '/api/audit/export?format=jsonl' }) },
      { name: 'own password', allowed: STAFF, req: () => ({ method: 'POST', url: '/api/auth/password', payload: { password: 'x' } }) },
      {
        name: 'layer metadata edit',
        allowed: ['admin'],
        req: () => ({ method: 'PATCH', url: '/api/layers/GHYD', payload: { source: '矩阵测试' } }),
      },
      { name: 'viewer catalogue', allowed: ALL, req: () => ({ url: '/api/map/layers' }) },
      { name: 'identify', allowed: ALL, req: () => ({ url: '/api/map/identify?lon=119.99&lat=30.27' }) },
      {
        name: 'measure',
        allowed: ALL,
        req: () => ({ method: 'POST', url: '/api/map/measure', payload: { geometry: sq(0, 0, 100, 100), srid: 4549 } }),
      },
      { name: 'portal place', allowed: ALL, req: () => ({ url: '/api/portal/at?lon=119.99&lat=30.27' }) },
      { name: 'portal consultations', allowed: ALL, req: () => ({ url: '/api/portal/consultations' }) },
      {
        name: 'consultation publish',
        allowed: ['admin', 'planner'],
        req: () => ({ method: 'POST', url: '/api/portal/consultations', payload: {} }),
      },
      { name: 'comment moderation queue', allowed: ['admin', 'planner'], req: () => ({ url: '/api/portal/comments' }) },
      { name: 'farmland accounts', allowed: STAFF, req: () => ({ url: '/api/farmland/accounts' }) },
      {
        name: 'patrol alert intake',
        allowed: ['admin', 'inspector'],
        req: () => ({ method: 'POST', url: '/api/farmland/alerts', payload: {} }),
      },
      { name: 'lifecycle warnings', allowed: STAFF, req: () => ({ url: '/api/lifecycle/warnings/board' }) },
      { name: 'lifecycle nightly rules', allowed: ['admin'], req: () => ({ method: 'POST', url: '/api/lifecycle/nightly', payload: {} }) },
      { name: 'indicator dashboard', allowed: STAFF, req: () => ({ url: '/api/indicators/definitions' }) },
      {
        name: 'indicator compute',
        allowed: ['admin', 'planner'],
        req: () => ({ method: 'POST', url: '/api/indicators/compute', payload: {} }),
      },
      {
        name: 'indicator definition edit',
        allowed: ['admin'],
        req: () => ({ method: 'PUT', url: '/api/indicators/definitions/MATRIX_TEST', payload: {} }),
      },
    ];

    for (const f of families) {
      test(`${f.name}: allowed for ${f.allowed.join(', ')}; refused for the others`, async () => {
        for (const role of ROLES) {
          const r = await call(role, f.req(role));
          const ok = f.allowed.includes(role);
          if (ok) {
            assert.ok(
              r.statusCode !== 401 && r.statusCode !== 403,
              `${f.name} as ${role}: expected to pass the guard, got ${r.statusCode} ${r.body.slice(0, 300)}`,
            );
            assert.ok(r.statusCode < 500, `${f.name} as ${role}: ${r.statusCode} ${r.body.slice(0, 300)}`);
          } else {
            assert.equal(r.statusCode, role === 'anonymous' ? 401 : 403, `${f.name} as ${role}: ${r.body.slice(0, 300)}`);
            const e = r.json();
            assert.equal(e.statusCode, r.statusCode);
            assert.equal(e.code, role === 'anonymous' ? 'unauthenticated' : 'forbidden');
            assert.match(e.error, role === 'anonymous' ? /登录/ : /无权限/);
          }
        }
      });
    }

    test('restricted layers are invisible to the public in every output', async () => {
      const layers = (await call('anonymous', { url: '/api/layers' })).json() as { code: string }[];
      assert.ok(layers.some((l) => l.code === 'GHYD'));
      for (const code of ['DLTB', 'ZD', 'CX', 'JCJK']) assert.ok(!layers.some((l) => l.code === code), `${code} listed to the public`);
      // The same 404 as a code that does not exist: not even existence leaks.
      for (const path of ['', '/versions', '/diff?from=1&to=1']) {
        const restricted = await call('anonymous', { url: `/api/layers/DLTB${path}` });
        const unknown = await call('anonymous', { url: `/api/layers/DLTX${path}` });
        assert.equal(restricted.statusCode, 404, path);
        assert.equal(unknown.statusCode, 404, path);
        assert.equal(restricted.body.replace('DLTB', 'X'), unknown.body.replace('DLTX', 'X'), `404 bodies differ for ${path}`);
      }
      const health = (await call('anonymous', { url: '/health' })).json();
      const staffHealth = (await call('inspector', { url: '/health' })).json();
      const restrictedFeatures = (
        await h.db.query<{ n: number }>(
          `SELECT coalesce(sum(v.feature_count), 0)::int AS n FROM layer l JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version WHERE NOT l.public`,
        )
      ).rows[0].n;
      assert.ok(restrictedFeatures >= 4, 'DLTB 2 and ZD 2 at least');
      assert.equal(staffHealth.features - health.features, restrictedFeatures, 'the public count leaves out every restricted feature');
      const search = (await call('anonymous', { url: '/api/search?q=330106001' })).json();
      assert.deepEqual(search.hits, [], 'a parcel code of the restricted ZD layer is not found by the public');
      assert.equal((await call('inspector', { url: '/api/search?q=330106001' })).json().hits[0].fid, 'ZD-W');
      // OGC API and tiles: not listed, and the 404 of an unknown collection.
      const cols = (await call('anonymous', { url: '/ogcapi/collections' })).json().collections as { id: string }[];
      assert.ok(cols.some((c) => c.id === 'GHYD') && !cols.some((c) => ['DLTB', 'ZD'].includes(c.id)), 'restricted collections not listed');
      for (const path of [
        '/ogcapi/collections/{c}',
        '/ogcapi/collections/{c}/items',
        '/ogcapi/collections/{c}/items/DL-W',
        '/tiles/{c}.json',
        '/tiles/{c}/14/13700/6730.mvt',
      ]) {
        const restricted = await call('anonymous', { url: path.replace('{c}', 'DLTB') });
        const unknown = await call('anonymous', { url: path.replace('{c}', 'DLTX') });
        assert.equal(restricted.statusCode, 404, `${path}: ${restricted.body.slice(0, 200)}`);
        assert.equal(restricted.body.replaceAll('DLTB', 'X'), unknown.body.replaceAll('DLTX', 'X'), `404 bodies differ for ${path}`);
      }
      // Every public output, scanned for the marker the restricted features carry.
      // A point inside the restricted DL-W patch (x, y ∈ [-3000, -2000]): identify and the portal
      // answer there without naming DLTB or ZD.
      const at = (
        await h.db.query<{ lon: number; lat: number }>(
          `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM ST_Transform(ST_SetSRID(ST_MakePoint(${E0 - 2500}, ${N0 - 2500}), 4549), 4490) AS p`,
        )
      ).rows[0];
      const outputs = [
        `/api/map/identify?lon=${at.lon}&lat=${at.lat}`,
        `/api/portal/at?lon=${at.lon}&lat=${at.lat}`,
        '/api/map/layers',
        '/',
        '/health',
        '/api/layers',
        '/ogcapi',
        '/ogcapi/collections',
        '/ogcapi/collections?f=html',
        '/ogcapi/collections/GHYD/items',
        '/tiles/GHYD.json',
        '/api/search?q=%E6%B0%B4%E7%94%B0',
        '/api/search?q=NEIBU',
        '/api/layers/GHYD',
        '/api/layers/GHYD/versions',
      ];
      for (const u of outputs) {
        const r = await call('anonymous', { url: u });
        assert.ok(
          !r.body.includes(RESTRICTED_MARK) && !r.body.includes('地类图斑') && !r.body.includes('宗地'),
          `${u} leaks a restricted layer: ${r.body.slice(0, 200)}`,
        );
      }
    });

    test('district officers: public layers city-wide, restricted layers and cases inside their districts only', async () => {
      const d = hdr.district;
      const layers = (await app.inject({ url: '/api/layers', headers: d })).json() as { code: string; scope: string }[];
      assert.equal(layers.find((l) => l.code === 'GHYD')?.scope, 'all');
      assert.equal(layers.find((l) => l.code === 'ZD')?.scope, 'districts');
      assert.equal((await app.inject({ url: '/api/search?q=330106001', headers: d })).json().hits.length, 1, 'own district parcel found');
      assert.equal(
        (await app.inject({ url: '/api/search?q=330110001', headers: d })).json().hits.length,
        0,
        'the other district parcel is not',
      );
      assert.equal(
        (await app.inject({ url: '/api/layers/ZD/diff?from=1&to=1', headers: d })).statusCode,
        403,
        'a city-wide diff of a restricted layer is refused',
      );
      const items = (await app.inject({ url: '/ogcapi/collections/DLTB/items', headers: d })).json();
      assert.deepEqual(
        items.features.map((f: { id: string }) => f.id),
        ['DL-W'],
        'OGC items of a restricted layer: own district only',
      );
      assert.equal((await app.inject({ url: '/ogcapi/collections/DLTB/items/DL-E', headers: d })).statusCode, 404);
      const all = (await app.inject({ url: '/ogcapi/collections/DLTB/items', headers: hdr.inspector })).json();
      assert.equal(all.features.length, 2, 'an inspector reads the whole layer');
      // Cases: only their own.
      const own = await app.inject({
        method: 'POST',
        url: '/api/review/cases',
        headers: d,
        payload: { title: '区县项目', type: 'urban-construction', geojson: inWest },
      });
      assert.equal(own.statusCode, 201, own.body);
      const list = (await app.inject({ url: '/api/review/cases', headers: d })).json() as { id: number; createdBy: string }[];
      assert.ok(list.length >= 1 && list.every((c) => c.createdBy === 'u_district'), JSON.stringify(list));
      assert.equal((await app.inject({ url: `/api/review/cases/${caseId}`, headers: d })).statusCode, 403, "another user's case");
      assert.equal((await app.inject({ url: `/api/review/cases/${own.json().id}`, headers: d })).statusCode, 200);
      // Runs: another user's run is refused whole, and so is a comparison that includes it (issue 22).
      const mine = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: d,
        payload: { type: 'urban-construction', geojson: inWest },
      });
      const theirs = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: hdr.planner,
        payload: { type: 'urban-construction', geojson: inWest },
      });
      assert.deepEqual([mine.statusCode, theirs.statusCode], [201, 201], mine.body + theirs.body);
      const [a, b] = [mine.json().runId as number, theirs.json().runId as number];
      assert.equal((await app.inject({ url: `/api/review/runs/${b}`, headers: d })).statusCode, 403, "another user's run");
      assert.equal((await app.inject({ url: `/api/review/runs/${a}/compare/${b}`, headers: d })).statusCode, 403, 'compare with it');
      assert.equal((await app.inject({ url: `/api/review/runs/${b}/compare/${a}`, headers: d })).statusCode, 403, 'either way round');
      assert.equal((await app.inject({ url: `/api/review/runs/${a}/compare/${a}`, headers: d })).statusCode, 200, 'own runs compare');
      assert.equal(
        (await app.inject({ url: `/api/review/runs/${a}/compare/${b}`, headers: hdr.planner })).statusCode,
        200,
        'staff compare any',
      );
    });

    test('district officers write only inside their districts; a refused write changes nothing', async () => {
      const d = hdr.district;
      const before = await storeSnapshot(h.db);
      const runs = (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM review_run')).rows[0].n;
      const out = await app.inject({
        method: 'POST',
        url: '/api/review/runs',
        headers: d,
        payload: { type: 'urban-construction', geojson: inEast },
      });
      assert.equal(out.statusCode, 403, out.body);
      assert.equal(out.json().code, 'outside_districts');
      assert.match(out.json().error, /项目红线 1（辖区外 10000\.00）/, 'names the parcel and the 10,000 m² outside');
      // Straddling: 100 m × 100 m with half (5,000 m²) in the other district.
      const straddle = await app.inject({
        method: 'POST',
        url: '/api/review/cases',
        headers: d,
        payload: { title: '跨区', type: 'urban-construction', geojson: fc(sq(-50, 0, 50, 100)) },
      });
      assert.equal(straddle.statusCode, 403);
      assert.match(straddle.json().error, /辖区外 5000\.00/);
      // A new GHYD version that keeps the west feature, drops the east one and adds one in the east.
      const m = upload('ghyd.geojson', ghydFc(sq(-2000, 0, -1000, 1000), sq(3000, 0, 3100, 100)));
      const imp2 = await app.inject({
        method: 'POST',
        url: '/api/layers/GHYD/import',
        payload: m.payload,
        headers: { ...m.headers, ...d },
      });
      assert.equal(imp2.statusCode, 403, imp2.body);
      assert.match(imp2.json().error, /超出辖区/);
      assert.equal(await storeSnapshot(h.db), before, 'the refused import left the store as it was');
      assert.equal((await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM review_run')).rows[0].n, runs, 'no run stored');
      // Inside: the import of a new layer inside the district lands.
      const ok = upload('mine.geojson', inWest);
      const r = await app.inject({
        method: 'POST',
        url: '/api/layers/QX_DEMO/import',
        payload: ok.payload,
        headers: { ...ok.headers, ...d },
      });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.json().featureCount, 1);
    });
  });
}
