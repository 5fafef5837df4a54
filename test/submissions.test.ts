// 成果提交 → 质检 + 对比 → 入库 / 退回 (issue 17 item 5) over HTTP, on the two-district test city
// (test/helpers/city.ts: EPSG:4549 next to the central meridian, so a 1000 m × 1000 m square is
// 1,000,000 m² = 1500 亩 to well under 1 m²). GHYD v1 holds GH-W (0701, x −2000…−1000) and GH-E
// (1001, x 1000…2000), 1 km² each.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases, storeSnapshot } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { loadCity, sq, WEST } from './helpers/city.ts';
import { multipart } from './helpers/multipart.ts';
import { buildApp } from '../src/server/app.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import { memoryReader } from './helpers/memory-reader.ts';

type Sq = ReturnType<typeof sq>;
/** A GHYD GeoJSON in EPSG:4549 with ids: [id, square, 用地用海分类代码, 名称]. */
const ghyd = (items: [string, Sq, string, string][]) => ({
  type: 'FeatureCollection',
  crs: { type: 'name', properties: { name: 'EPSG:4549' } },
  features: items.map(([id, g, dm, mc]) => ({ type: 'Feature', id, properties: { YDYHFLDM: dm, YDYHFLMC: mc }, geometry: g })),
});

const GH_W = sq(-2000, 0, -1000, 1000);
const GH_N = sq(-2000, 2000, -1500, 3000); // 500 m × 1000 m = 500,000 m² = 750 亩
/** The fixed file: GH-W recoded 0701 → 0702, GH-N added, GH-E removed. */
const FIXED = ghyd([
  ['GH-W', GH_W, '0702', '农村宅基地'],
  ['GH-N', GH_N, '0801', '机关团体用地'],
]);
/** As FIXED, but GH-N coded 0305 (三调's 灌木林地: not a 2023 用地用海 code). */
const BAD = ghyd([
  ['GH-W', GH_W, '0702', '农村宅基地'],
  ['GH-N', GH_N, '0305', '灌木林地'],
]);

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} ≠ ${b} ± ${tol}`);

for (const tdb of testDatabases()) {
  describe(`成果提交 on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let plannerA: Record<string, string>;
    let plannerB: Record<string, string>;
    let district: Record<string, string>;
    let reviewer: Record<string, string>;
    before(async () => {
      h = await tdb.open();
      await loadCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: h.config });
      admin = await authHeaders(h.db, 'admin');
      plannerA = await authHeaders(h.db, 'planner', { username: 'planner_a' });
      plannerB = await authHeaders(h.db, 'planner', { username: 'planner_b' });
      district = await authHeaders(h.db, 'district', { username: 'district_w', districts: [WEST] });
      reviewer = await authHeaders(h.db, 'reviewer');
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    const submit = (code: string, body: object, headers: Record<string, string>, name = 'ghyd.geojson') => {
      const m = multipart([{ name, content: JSON.stringify(body) }], { note: '测试提交' });
      return app.inject({
        method: 'POST',
        url: `/api/layers/${code}/submissions`,
        payload: m.payload,
        headers: { ...m.headers, ...headers },
      });
    };
    const act = (id: number, what: 'accept' | 'return', headers: Record<string, string>, reason?: string) =>
      app.inject({
        method: 'POST',
        url: `/api/submissions/${id}/${what}`,
        headers,
        ...(what === 'return' ? { payload: reason === undefined ? {} : { reason } } : {}),
      });
    const ghydVersion = async () =>
      (await h.db.query<{ v: number }>(`SELECT active_version AS v FROM layer WHERE code = 'GHYD'`)).rows[0].v;
    const versionsOf = async (code: string) =>
      Number(
        (
          await h.db.query<{ n: string }>(`SELECT count(*) AS n FROM layer_version v JOIN layer l ON l.id = v.layer_id WHERE l.code = $1`, [
            code,
          ])
        ).rows[0].n,
      );

    let firstId = 0;

    test('a file with a QC error: 质检未通过, the error with its geometry, nothing written; it cannot be accepted', async () => {
      const snap = await storeSnapshot(h.db);
      const r = await submit('GHYD', BAD, plannerA);
      assert.equal(r.statusCode, 201, r.body);
      const s = r.json();
      assert.equal(s.status, 'qc_failed');
      assert.equal(s.statusLabel, '质检未通过');
      assert.equal(s.baseVersion, await ghydVersion());
      assert.equal(s.qc.passed, false);
      assert.deepEqual(
        s.qc.errors
          .filter((e: { severity: string }) => e.severity === 'blocking')
          .map((e: { fid: string; rule: string; value: unknown }) => [e.fid, e.rule, e.value]),
        [['GH-N', 'GHYD.YDYHFLDM', '0305']],
      );
      const err = s.qc.errors.find((e: { rule: string }) => e.rule === 'GHYD.YDYHFLDM');
      assert.equal(err.geometry.type, 'Polygon');
      // The diff is computed even so: the reviewer sees what the file would do.
      assert.deepEqual([s.diff.summary.added, s.diff.summary.removed, s.diff.summary.changed], [1, 1, 1]);
      assert.equal(await storeSnapshot(h.db), snap);
      const a = await act(s.id, 'accept', plannerB);
      assert.equal(a.statusCode, 409, a.body);
      assert.equal(a.json().code, 'submission_qc_failed');
      assert.equal(await storeSnapshot(h.db), snap);
      firstId = s.id;
    });

    test('退回 needs a reason and writes nothing to the layer', async () => {
      const snap = await storeSnapshot(h.db);
      const noReason = await act(firstId, 'return', plannerB, '  ');
      assert.equal(noReason.statusCode, 400, noReason.body);
      assert.equal(noReason.json().code, 'reason_required');
      const own = await act(firstId, 'return', plannerA, '自己退回');
      assert.equal(own.statusCode, 403, own.body);
      assert.equal(own.json().code, 'own_submission');
      const r = await act(firstId, 'return', plannerB, '用地用海分类代码 0305 不在分类指南中');
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().status, 'returned');
      assert.equal(r.json().reason, '用地用海分类代码 0305 不在分类指南中');
      assert.equal(r.json().decidedBy, 'planner_b');
      assert.equal(await storeSnapshot(h.db), snap);
      const again = await act(firstId, 'accept', plannerB);
      assert.equal(again.statusCode, 409, again.body);
    });

    test('the fixed file: 待审核 with the diff — features, changed attributes, area change by class in m² and 亩', async () => {
      const snap = await storeSnapshot(h.db);
      const r = await submit('GHYD', FIXED, plannerA);
      assert.equal(r.statusCode, 201, r.body);
      const s = r.json();
      assert.equal(s.status, 'pending');
      assert.equal(s.statusLabel, '待审核');
      assert.equal(s.qc.passed, true);
      assert.equal(s.qc.counts.bySeverity.blocking, 0);
      assert.equal(await storeSnapshot(h.db), snap);
      const d = s.diff;
      assert.equal(d.from, await ghydVersion());
      assert.deepEqual([d.summary.added, d.summary.removed, d.summary.changed], [1, 1, 1]);
      // +500,000 (GH-N) − 1,000,000 (GH-E) + 0 (GH-W: same square) = −500,000 m² = −750 亩.
      near(d.summary.areaChangeM2, -500000, 1, 'net area change m²');
      near(d.summary.areaChangeMu, -750, 0.002, 'net area change 亩');
      const by = Object.fromEntries(d.features.map((f: { fid: string }) => [f.fid, f]));
      assert.equal(by['GH-N'].status, 'added');
      assert.equal(by['GH-N'].geometry.type, 'Polygon');
      near(by['GH-N'].areaAfterM2, 500000, 1, 'GH-N');
      assert.equal(by['GH-E'].status, 'removed');
      assert.equal(by['GH-E'].geometry.type, 'Polygon');
      assert.equal(by['GH-W'].status, 'changed');
      assert.equal(by['GH-W'].geometryChanged, false);
      assert.deepEqual(by['GH-W'].attributeChanges, [
        { name: 'YDYHFLDM', before: '0701', after: '0702' },
        { name: 'YDYHFLMC', before: '城镇住宅用地', after: '农村宅基地' },
      ]);
      near(by['GH-W'].areaChangeM2, 0, 0.001, 'GH-W area change');
      // By class (the first two characters of YDYHFLDM): 07 stays 1 km², 08 gains 0.5 km², 10 loses 1 km².
      const cls = Object.fromEntries(d.byClass.map((c: { class: string }) => [c.class, c]));
      assert.deepEqual(Object.keys(cls).sort(), ['07', '08', '10']);
      near(cls['07'].changeM2, 0, 0.001, '07');
      near(cls['08'].afterM2, 500000, 1, '08 after');
      near(cls['08'].changeMu, 750, 0.002, '08 亩');
      near(cls['10'].beforeM2, 1000000, 1, '10 before');
      near(cls['10'].changeMu, -1500, 0.002, '10 亩');
      assert.match(cls['08'].label, /^08 /);
      firstId = s.id;
    });

    test('入库: only a planner other than the submitter (or an administrator); writes exactly one version equal to the file', async () => {
      const own = await act(firstId, 'accept', plannerA);
      assert.equal(own.statusCode, 403, own.body);
      for (const who of [district, reviewer]) assert.equal((await act(firstId, 'accept', who)).statusCode, 403);
      const before = await versionsOf('GHYD');
      const v0 = await ghydVersion();
      const r = await act(firstId, 'accept', plannerB);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().status, 'accepted');
      assert.equal(r.json().version, v0 + 1);
      assert.equal(await versionsOf('GHYD'), before + 1);
      assert.equal(await ghydVersion(), v0 + 1);
      const f = await h.db.query<{ fid: string; dm: string; m2: number }>(
        `SELECT f.fid, f.props->>'YDYHFLDM' AS dm, f.area_m2 AS m2 FROM feature f JOIN layer l ON l.id = f.layer_id
          WHERE l.code = 'GHYD' AND f.v_from <= l.active_version AND (f.v_to IS NULL OR f.v_to > l.active_version) ORDER BY f.fid`,
      );
      assert.deepEqual(
        f.rows.map((x) => [x.fid, x.dm]),
        [
          ['GH-N', '0801'],
          ['GH-W', '0702'],
        ],
      );
      near(f.rows[0].m2, 500000, 1, 'GH-N stored');
      const audit = await h.db.query<{ action: string }>(
        `SELECT action FROM audit_log WHERE entity = 'submission' AND entity_id = $1 ORDER BY id`,
        [String(firstId)],
      );
      assert.deepEqual(
        audit.rows.map((x) => x.action),
        ['submission.submit', 'submission.accept'],
      );
      // The version history names the submission, its submitter and who accepted it.
      const hist = await app.inject({ method: 'GET', url: '/api/layers/GHYD/versions', headers: plannerA });
      const v = hist.json().find((x: { version: number }) => x.version === v0 + 1);
      assert.deepEqual(v.submission, {
        id: firstId,
        fileName: 'ghyd.geojson',
        submittedBy: 'planner_a',
        decidedBy: 'planner_b',
        qcPassed: true,
      });
      const html = await app.inject({ method: 'GET', url: `/api/layers/GHYD/versions/${v0 + 1}/qc-report`, headers: plannerA });
      assert.equal(html.statusCode, 200, html.body);
      assert.match(html.body, /成果质检报告/);
      assert.match(html.body, /ghyd\.geojson/);
      // The same report as a PDF and an XLSX download.
      const pdf = await app.inject({ method: 'GET', url: `/api/layers/GHYD/versions/${v0 + 1}/qc-report?format=pdf`, headers: plannerA });
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.match(
        String(pdf.headers['content-disposition']),
        /^attachment; .*filename\*=UTF-8''%E8%B4%A8%E6%A3%80%E6%8A%A5%E5%91%8A-GHYD-/,
      );
      const xlsx = await app.inject({ method: 'GET', url: `/api/submissions/${firstId}/qc-report?format=xlsx`, headers: plannerA });
      assert.equal(xlsx.statusCode, 200);
      assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
      const twice = await act(firstId, 'accept', plannerB);
      assert.equal(twice.statusCode, 409);
    });

    test('a stale submission (the layer moved on since its check) is refused with nothing written', async () => {
      const older = (await submit('GHYD', ghyd([['GH-W', GH_W, '0701', '城镇住宅用地']]), plannerA)).json();
      const newer = (await submit('GHYD', ghyd([['GH-W', GH_W, '0703', '城镇社区服务设施用地']]), plannerA)).json();
      assert.equal(older.status, 'pending');
      assert.equal((await act(newer.id, 'accept', admin)).statusCode, 200);
      const snap = await storeSnapshot(h.db);
      const r = await act(older.id, 'accept', plannerB);
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(r.json().code, 'submission_stale');
      assert.match(r.json().error ?? r.json().message, /现行版本已由提交检查时的第 \d+ 版变为第 \d+ 版/);
      assert.equal(await storeSnapshot(h.db), snap);
      const g = (await app.inject({ method: 'GET', url: `/api/submissions/${older.id}`, headers: plannerB })).json();
      assert.equal(g.status, 'pending');
      assert.equal(g.stale, true);
    });

    test('a failed 入库 (QC refuses the file at import time) leaves the database and the submission as they were', async () => {
      // CZKFBJ must lie inside XZQ: the file does (x −4000…−3000) when checked; XZQ is then cut to
      // the east district only, so the same file is 1 km² outside at 入库 and QC refuses it.
      const s = (
        await submit(
          'CZKFBJ',
          {
            ...ghyd([]),
            features: [{ type: 'Feature', id: 'BJ1', properties: { BJBH: 'BJ1' }, geometry: sq(-4000, -4000, -3000, -3000) }],
          },
          plannerA,
          'czkfbj.geojson',
        )
      ).json();
      assert.equal(s.status, 'pending', JSON.stringify(s.qc?.errors));
      await importFromReader(
        h.db,
        h.config,
        memoryReader([{ fid: '330110', geometry: sq(0, -5000, 5000, 5000), props: { XZQDM: '330110', XZQMC: '余杭区' } }], { srid: 4549 }),
        { layer: 'XZQ', user: 'test' },
      );
      const snap = await storeSnapshot(h.db);
      const audits = (await h.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log`)).rows[0].n;
      const r = await act(s.id, 'accept', plannerB);
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().code, 'qc_rejected');
      assert.match(r.body, /czkfbj\.geojson/);
      assert.doesNotMatch(r.body, /onemap-submission-/);
      assert.equal(await storeSnapshot(h.db), snap);
      assert.equal((await h.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log`)).rows[0].n, audits);
      assert.equal((await app.inject({ method: 'GET', url: `/api/submissions/${s.id}`, headers: plannerB })).json().status, 'pending');
      // Put the west district back for the tests that follow.
      await importFromReader(
        h.db,
        h.config,
        memoryReader(
          [
            { fid: '330106', geometry: sq(-5000, -5000, 0, 5000), props: { XZQDM: '330106', XZQMC: '西湖区' } },
            { fid: '330110', geometry: sq(0, -5000, 5000, 5000), props: { XZQDM: '330110', XZQMC: '余杭区' } },
          ],
          { srid: 4549 },
        ),
        { layer: 'XZQ', user: 'test' },
      );
    });

    test('who may do what: anonymous and reviewers cannot submit; a district officer submits inside their districts and sees their own only', async () => {
      const file = ghyd([['GH-W', GH_W, '0702', '农村宅基地']]);
      assert.equal((await submit('GHYD', file, {})).statusCode, 401);
      assert.equal((await submit('GHYD', file, reviewer)).statusCode, 403);
      assert.equal((await app.inject({ method: 'GET', url: '/api/submissions' })).statusCode, 401);
      // GH-W lies in 西湖区 (x < 0): the district officer of 西湖区 may hand it in.
      const mine = await submit('GHYD', file, district);
      assert.equal(mine.statusCode, 201, mine.body);
      // Removing nothing but adding a square in 余杭区 (x > 0) is outside their districts: refused, nothing kept.
      const count = async () => Number((await h.db.query<{ n: string }>(`SELECT count(*) AS n FROM submission`)).rows[0].n);
      const n = await count();
      const outside = await submit(
        'GHYD',
        ghyd([
          ['GH-W', GH_W, '0703', '城镇社区服务设施用地'],
          ['GH-X', sq(1000, 2000, 1500, 2500), '0801', '机关团体用地'],
        ]),
        district,
      );
      assert.equal(outside.statusCode, 403, outside.body);
      assert.equal(await count(), n);
      const seen = (await app.inject({ method: 'GET', url: '/api/submissions', headers: district })).json();
      assert.deepEqual(
        seen.map((x: { submittedBy: string }) => x.submittedBy),
        ['district_w'],
      );
      const all = (await app.inject({ method: 'GET', url: '/api/submissions', headers: plannerB })).json();
      assert.ok(all.length > 1);
      assert.equal((await app.inject({ method: 'GET', url: `/api/submissions/${firstId}`, headers: district })).statusCode, 404);
      assert.equal((await act(mine.json().id, 'accept', district)).statusCode, 403);
      assert.equal((await act(mine.json().id, 'return', district, '撤回')).statusCode, 403);
    });
  });
}
