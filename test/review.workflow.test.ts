// Human review through the HTTP API on every test database: submission → machine review →
// confirm / override / false positive with reasons → decision with conditions → signed; the
// append-only trail; "no data" apart from "no conflict"; re-running on newer data and comparing;
// rule-set versions; the opinion PDF; consistency review. Layers are squares in EPSG:4549 metres
// next to the central meridian, so planar and ellipsoidal areas agree (100 m × 100 m = 15 亩).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sq, fc, E0, N0 } from './helpers/city.ts';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { memoryReader } from './helpers/memory-reader.ts';
import { pdfText } from './helpers/pdf-text.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import { buildApp } from '../src/server/app.ts';
import { DEFAULT_RULESET, saveRuleSet } from '../src/review/ruleset.ts';
import { runReview } from '../src/review/engine.ts';
import { parcelsFromBody } from '../src/review/input.ts';
import type { ReviewResult } from '../src/review/types.ts';

const boundary = (g: ReturnType<typeof sq>) => fc(g);
const near = (a: number, e: number, what: string) =>
  assert.ok(Math.abs(a - e) <= Math.max(1e-3, Math.abs(e) * 1e-4), `${what}: expected ${e}, got ${a}`);
const REVIEWER = '张审查';

for (const tdb of testDatabases()) {
  describe(`review workflow on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    const load = (layer: string, feats: { fid: string; geometry: ReturnType<typeof sq>; props?: Record<string, unknown> }[]) =>
      importFromReader(h.db, h.config, memoryReader(feats, { srid: 4549 }), { layer, user: 'test' });
    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
      const r = await app.inject({ method, url, payload: payload as object, headers: asReviewer });
      return {
        status: r.statusCode,
        body: r.headers['content-type']?.toString().includes('json') ? r.json() : r.body,
        raw: r.rawPayload,
        type: r.headers['content-type'],
      };
    };

    let asReviewer: Record<string, string> = {};
    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: h.config });
      // One person through every step: an administrator may submit, judge and sign (the role
      // matrix itself is test/auth.matrix.test.ts).
      asReviewer = await authHeaders(h.db, 'admin', { username: REVIEWER });
      await load('XZQ', [{ fid: '330106', geometry: sq(-5000, -5000, 5000, 5000), props: { XZQDM: '330106', XZQMC: '西湖区' } }]);
      await load('YJJBNT', [{ fid: 'YJ1', geometry: sq(0, 0, 200, 200), props: { BHTBBH: 'YJ1' } }]);
      await load('CZKFBJ', [{ fid: 'BJ1', geometry: sq(0, 0, 1000, 1000), props: { BJBH: 'BJ1' } }]);
      // ZX (紫线) stays empty: its finding must say "no data", never "no conflict".
      await saveRuleSet(
        h.db,
        { ...DEFAULT_RULESET, name: 'wf', rules: DEFAULT_RULESET.rules.filter((r) => ['yjjbnt', 'czkfbj', 'zx'].includes(r.id)) },
        'test',
      );
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    let caseId: number;
    let firstRun: ReviewResult;

    test('submission: machine review at once, areas by hand, no data apart from no conflict', async () => {
      const r = await call('POST', '/api/review/cases', {
        title: '文三路地块项目',
        applicant: '杭州某建设公司',
        type: 'urban-construction',
        ruleset: 'wf',
        geojson: boundary(sq(100, 100, 300, 300)),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      caseId = r.body.id;
      firstRun = r.body.run;
      assert.equal(r.body.status, 'machine-reviewed');
      assert.equal(firstRun.verdict, 'fail');
      near(firstRun.project.areaM2, 40000, 'project area');
      const byKey = Object.fromEntries(firstRun.findings.map((f) => [f.ruleId, f]));
      assert.equal(byKey.yjjbnt.verdict, 'fail');
      near(byKey.yjjbnt.overlapAreaM2, 10000, 'farmland overlap'); // [100,200]² of the farmland square
      near(byKey.yjjbnt.overlapAreaMu, 15, 'farmland overlap in 亩');
      near(byKey.yjjbnt.overlapPercent, 25, 'share of the project');
      assert.equal(byKey.czkfbj.verdict, 'pass');
      assert.equal(byKey.zx.verdict, 'no-data');
      assert.match(byKey.zx.message, /无数据/);
      assert.equal(firstRun.createdBy, REVIEWER);
      assert.equal(firstRun.versions.ruleset.name, 'wf');
      assert.deepEqual(firstRun.versions.layers, { CZKFBJ: 1, YJJBNT: 1, ZX: null });
      assert.match(firstRun.project.hash, /^[0-9a-f]{64}$/);
      assert.deepEqual([...r.body.pending].sort(), ['yjjbnt:YJJBNT', 'zx:ZX']);
    });

    test('declared coverage: a project outside a layer\'s data area gets "no data" for it', async () => {
      const env = (
        await h.db.query<{ g: string }>(`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4549), 4490)) AS g`, [
          E0 + 5000,
          N0,
          E0 + 6000,
          N0 + 1000,
        ])
      ).rows[0].g;
      const set = await call('PUT', '/api/layers/CZKFBJ/coverage', { coverage: JSON.parse(env) });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(
        (
          await call('PUT', '/api/layers/CZKFBJ/coverage', {
            coverage: {
              type: 'LineString',
              coordinates: [
                [120, 30],
                [120.1, 30],
              ],
            },
          })
        ).status,
        400,
      );
      try {
        const parcels = await parcelsFromBody(h.db, h.config, { geojson: boundary(sq(100, 100, 300, 300)) });
        const r = await runReview(h.db, { parcels, type: 'urban-construction', ruleset: 'wf', user: 'test' });
        assert.equal(r.findings.find((f) => f.ruleId === 'czkfbj')!.verdict, 'no-data');
      } finally {
        assert.equal((await call('PUT', '/api/layers/CZKFBJ/coverage', { coverage: null })).status, 200);
      }
    });

    test('a decision waits for every finding; overrides need reasons; 通过 is refused while a fail stands', async () => {
      let r = await call('POST', `/api/review/cases/${caseId}/decision`, { decision: '通过' });
      assert.equal(r.status, 409);
      assert.match(r.body.error, /yjjbnt:YJJBNT/);
      r = await call('POST', `/api/review/cases/${caseId}/findings/yjjbnt:YJJBNT/review`, { action: 'override', verdict: 'pass' });
      assert.equal(r.status, 400, 'an override without a reason is refused');
      r = await call('POST', `/api/review/cases/${caseId}/findings/yjjbnt:YJJBNT/review`, { action: 'confirm' });
      assert.equal(r.status, 200);
      assert.equal(r.body.status, 'in-review');
      r = await call('POST', `/api/review/cases/${caseId}/findings/zx:ZX/review`, {
        action: 'confirm',
        reason: '已调阅历史文化保护规划，无紫线',
      });
      assert.equal(r.status, 200);
      r = await call('POST', `/api/review/cases/${caseId}/decision`, { decision: '通过' });
      assert.equal(r.status, 409, 'the confirmed fail blocks 通过');
      r = await call('POST', `/api/review/cases/${caseId}/findings/yjjbnt:YJJBNT/review`, {
        action: 'false-positive',
        reason: '相邻地块：永久基本农田图斑界线与已批项目红线数字化误差',
      });
      assert.equal(r.status, 200);
      const f = r.body.findings.find((x: { key: string }) => x.key === 'yjjbnt:YJJBNT');
      assert.deepEqual([f.machineVerdict, f.finalVerdict], ['fail', 'pass']);
      r = await call('POST', `/api/review/cases/${caseId}/decision`, { decision: '有条件通过', conditions: [] });
      assert.equal(r.status, 400, '有条件通过 needs conditions');
      r = await call('POST', `/api/review/cases/${caseId}/decision`, {
        decision: '有条件通过',
        conditions: ['落实耕地占补平衡', '开工前完成地质灾害危险性评估'],
        opinion: '同意按条件实施',
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'decided');
      r = await call('POST', `/api/review/cases/${caseId}/findings/zx:ZX/review`, { action: 'confirm' });
      assert.equal(r.status, 409, 'findings are fixed once decided');
    });

    test('signing freezes the case; the trail records every step with before and after', async () => {
      let r = await call('POST', `/api/review/cases/${caseId}/sign`);
      assert.equal(r.status, 200);
      assert.equal(r.body.status, 'signed');
      assert.equal(r.body.signedBy, REVIEWER);
      assert.equal((await call('POST', `/api/review/cases/${caseId}/sign`)).status, 409);
      assert.equal((await call('POST', `/api/review/cases/${caseId}/rerun`)).status, 409);
      assert.equal((await call('POST', `/api/review/cases/${caseId}/decision`, { decision: '不通过' })).status, 409);

      r = await call('GET', `/api/review/cases/${caseId}/trail`);
      const actions = r.body.map((e: { action: string }) => e.action);
      assert.deepEqual(actions, [
        'case.submit',
        'case.machine-review',
        'finding.confirm',
        'finding.confirm',
        'finding.false-positive',
        'case.decide',
        'case.sign',
      ]);
      assert.ok(r.body.every((e: { actor: string }) => e.actor === REVIEWER));
      const fp = r.body[4];
      assert.equal(fp.before.verdict, 'fail');
      assert.equal(fp.after.verdict, 'pass');
      assert.match(fp.after.reason, /相邻地块/);
      assert.equal(r.body[5].after.decision, '有条件通过');

      await assert.rejects(h.db.query(`UPDATE audit_log SET actor = 'someone else'`), /append-only/);
      await assert.rejects(h.db.query(`DELETE FROM audit_log`), /append-only/);
    });

    test('the opinion document (HTML and PDF) carries the findings, the decision and the signer', async () => {
      const html = await call('GET', `/api/review/cases/${caseId}/opinion.html`);
      assert.equal(html.status, 200);
      assert.match(String(html.body), /占用永久基本农田/);
      assert.match(String(html.body), /有条件通过/);
      const pdf = await call('GET', `/api/review/cases/${caseId}/opinion.pdf`);
      assert.equal(pdf.status, 200);
      assert.equal(pdf.type, 'application/pdf');
      assert.equal(pdf.raw.subarray(0, 5).toString(), '%PDF-');
      const text = (await pdfText(pdf.raw)).pages.join('\n');
      for (const s of ['占用永久基本农田', '10,000.00', '15.00', '有条件通过', '落实耕地占补平衡', REVIEWER, '无数据'])
        assert.ok(text.includes(s), `PDF text lacks "${s}"`);
    });

    test('re-running on newer data is a new frozen run; the two runs compare', async () => {
      // Farmland redrawn: YJ1 shrinks to [0,150]² (overlap with the project [100,150]² = 2,500 m²); YJ2 is far away.
      await load('YJJBNT', [
        { fid: 'YJ1', geometry: sq(0, 0, 150, 150), props: { BHTBBH: 'YJ1' } },
        { fid: 'YJ2', geometry: sq(2000, 0, 2100, 100), props: { BHTBBH: 'YJ2' } },
      ]);
      const r = await call('POST', '/api/review/runs', {
        type: 'urban-construction',
        ruleset: 'wf',
        geojson: boundary(sq(100, 100, 300, 300)),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const second: ReviewResult = r.body;
      assert.notEqual(second.runId, firstRun.runId);
      near(second.findings.find((f) => f.ruleId === 'yjjbnt')!.overlapAreaM2, 2500, 'overlap after the redraw');
      const old = await call('GET', `/api/review/runs/${firstRun.runId}`);
      near(old.body.findings.find((f: { ruleId: string }) => f.ruleId === 'yjjbnt').overlapAreaM2, 10000, 'the first run stays frozen');
      const cmp = await call('GET', `/api/review/runs/${firstRun.runId}/compare/${second.runId}`);
      assert.equal(cmp.body.sameBoundary, true);
      assert.deepEqual(cmp.body.layerVersions, [{ layer: 'YJJBNT', a: 1, b: 2 }]);
      const d = cmp.body.findings.find((f: { key: string }) => f.key === 'yjjbnt:YJJBNT');
      near(d.deltaM2, -7500, 'area change between the runs');
    });

    test('rule sets are versioned; an invalid edit is refused with every problem', async () => {
      const bad = await call('PUT', '/api/review/rulesets/wf', {
        definition: {
          ...DEFAULT_RULESET,
          rules: [
            { id: 'x', kind: 'nope', layer: 'YJJBNT', title: 't', verdict: 'fail' },
            { id: 'x', kind: 'setback', layer: 'LANX', title: 't', verdict: 'maybe' },
          ],
        },
      });
      assert.equal(bad.status, 400);
      assert.ok(bad.body.problems.some((p: string) => /unknown kind "nope"/.test(p)));
      assert.ok(bad.body.problems.some((p: string) => /duplicate id/.test(p)));
      assert.ok(bad.body.problems.some((p: string) => /distanceM/.test(p)));
      const good = await call('PUT', '/api/review/rulesets/wf', {
        definition: {
          ...DEFAULT_RULESET,
          tolerance: { areaM2: 5, percent: 0 },
          rules: DEFAULT_RULESET.rules.filter((r) => r.id === 'yjjbnt'),
        },
        note: '容差改为 5 m²',
      });
      assert.equal(good.status, 201, JSON.stringify(good.body));
      assert.equal(good.body.version, 2);
      const got = await call('GET', '/api/review/rulesets/wf');
      assert.equal(got.body.version, 2);
      assert.equal(got.body.versions.length, 2);
      assert.equal((await call('GET', '/api/review/rulesets/wf/versions/1')).body.definition.rules.length, 3);
    });

    test('bad boundaries get clear 400 errors and write nothing', async () => {
      const count = async () =>
        (
          await h.db.query<{ n: string }>(
            `SELECT (SELECT count(*) FROM review_run) || '/' || (SELECT count(*) FROM review_case) || '/' || (SELECT count(*) FROM audit_log) AS n`,
          )
        ).rows[0].n;
      const before = await count();
      let r = await call('POST', '/api/review/runs', { type: 'urban-construction' });
      assert.equal(r.status, 400);
      r = await call('POST', '/api/review/runs', { type: 'no-such-type', geojson: boundary(sq(0, 0, 10, 10)) });
      assert.equal(r.status, 400);
      assert.match(r.body.error, /unknown project type/);
      const bow = {
        type: 'Polygon',
        coordinates: [
          [
            [E0, N0],
            [E0 + 100, N0 + 100],
            [E0 + 100, N0],
            [E0, N0 + 100],
            [E0, N0],
          ],
        ],
      };
      r = await call('POST', '/api/review/runs', {
        type: 'urban-construction',
        geojson: { ...boundary(sq(0, 0, 1, 1)), features: [{ type: 'Feature', properties: {}, geometry: bow }] },
      });
      assert.equal(r.status, 400);
      assert.match(r.body.error, /Self-intersection|invalid/i);
      r = await call('POST', '/api/review/runs', {
        type: 'urban-construction',
        geojson: {
          type: 'LineString',
          coordinates: [
            [120, 30.2],
            [120.01, 30.2],
          ],
        },
      });
      assert.equal(r.status, 400);
      r = await call('POST', '/api/review/runs', {
        type: 'urban-construction',
        indicators: { far: -1 },
        geojson: boundary(sq(0, 0, 10, 10)),
      });
      assert.equal(r.status, 400);
      r = await call('POST', '/api/review/cases', {
        title: '自相交红线',
        type: 'urban-construction',
        geojson: { ...boundary(sq(0, 0, 1, 1)), features: [{ type: 'Feature', properties: {}, geometry: bow }] },
      });
      assert.equal(r.status, 400);
      assert.match(r.body.error, /feature 1/, 'the error names the feature');
      assert.equal(await count(), before, 'a refused boundary leaves runs, cases and the audit log as they were');
    });

    test('consistency review: farmland inside the development boundary, stored as a layer, summed by district', async () => {
      const r = await call('POST', '/api/review/consistency', { a: 'YJJBNT', b: 'CZKFBJ' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      // YJ1 [0,150]² lies wholly inside BJ1 [0,1000]²: 22,500 m² = 33.75 亩; YJ2 is outside.
      assert.equal(r.body.conflictCount, 1);
      near(r.body.areaM2, 22500, 'conflict area');
      near(r.body.areaMu, 33.75, 'conflict area in 亩');
      assert.equal(r.body.resultLayer, 'YZX_YJJBNT_CZKFBJ');
      assert.equal(r.body.byDistrict.length, 1);
      assert.equal(r.body.byDistrict[0].code, '330106');
      assert.equal(r.body.byDistrict[0].name, '西湖区');
      const v = await h.db.query<{ feature_count: number; area_m2: number }>(
        `SELECT v.feature_count, v.area_m2 FROM layer_version v JOIN layer l ON l.id = v.layer_id WHERE l.code = 'YZX_YJJBNT_CZKFBJ' AND v.version = $1`,
        [r.body.resultVersion],
      );
      assert.equal(v.rows[0].feature_count, 1);
      near(v.rows[0].area_m2, 22500, 'stored conflict layer area');
      const layer = await call('GET', '/api/layers/YZX_YJJBNT_CZKFBJ');
      assert.equal(layer.body.public, false, 'conflict layers are internal');
    });
  });
}
