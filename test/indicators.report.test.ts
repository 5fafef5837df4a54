// The yearly check-up report (体检评估报告) generated with every indicator, on every test database:
// the PDF's text (read back with pdf.js) names each indicator with its value, target and level; the
// HTML has a trend chart per indicator; the workbook has its sheets. Also the pages' data (dashboard,
// map by district, five-year evaluation) and `onemap indicators … --json` from the command line.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { pdfText } from './helpers/pdf-text.ts';
import { loadIndicatorCity, WEST, EAST } from './helpers/indicators-city.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock } from '../src/util/clock.ts';
import { DEFAULTS } from '../src/indicators/registry.ts';

const NAMES = DEFAULTS.indicators.map((i) => i.name);

for (const tdb of testDatabases()) {
  describe(`check-up report and dashboards (${tdb.name})`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let planner: Record<string, string>;
    let inspector: Record<string, string>;
    const get = async (url: string, headers = planner) => {
      const r = await app.inject({ url, headers });
      assert.equal(r.statusCode, 200, `${url}: ${r.body.slice(0, 300)}`);
      return r;
    };

    before(async () => {
      h = await tdb.open();
      await loadIndicatorCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: { ...h.config, clock: fixedClock('2026-12-20') } });
      planner = await authHeaders(h.db, 'planner');
      inspector = await authHeaders(h.db, 'inspector');
      assert.equal(
        (await app.inject({ method: 'POST', url: '/api/indicators/compute', headers: inspector, payload: { year: 2026 } })).statusCode,
        403,
        'inspectors read, planners compute',
      );
      const r = await app.inject({ method: 'POST', url: '/api/indicators/compute', headers: planner, payload: { year: 2026 } });
      assert.equal(r.statusCode, 201, r.body);
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('PDF: every indicator with its value, target and level, the five-year view and the alerts', async () => {
      const r = await get('/api/indicators/reports/2026/pdf', inspector);
      assert.equal(r.headers['content-type'], 'application/pdf');
      assert.match(String(r.headers['content-disposition']), /filename\*=UTF-8''%E4%BD%93%E6%A3%80/);
      const { pages, info } = await pdfText(r.rawPayload);
      const text = pages.join('\n');
      assert.equal(info.Title, '杭州市2026年度国土空间规划实施体检评估报告');
      for (const name of NAMES) assert.ok(text.includes(name), `the PDF names ${name}`);
      // 耕地保有量: 40,000 m² = 60 亩 = 0.006 万亩 → "0.01 万亩", far below the 174.40 万亩 floor: red.
      assert.match(text, /耕地保有量（GDBYL）\s*告警/);
      assert.match(text, /当年值：0\.01 万亩/);
      assert.match(text, /2035 年 ≥174\.40 万亩（底线）/);
      // 工业用地规模: 0.04 km² against the 360 km² floor.
      assert.match(text, /当年值：0\.04 km²/);
      assert.match(text, /三、五年评估（2022–2026 年）/);
      assert.match(text, /四、预警清单/);
      assert.match(text, /第 1 页 \/ 共 \d+ 页/);
      assert.ok(pages.length >= 3);
    });

    test('HTML: one section and one SVG trend chart per indicator; seed 000 figures show as reported', async () => {
      const r = await get('/api/indicators/reports/2026/html');
      assert.match(String(r.headers['content-type']), /text\/html/);
      for (const name of NAMES) assert.ok(r.body.includes(name), name);
      assert.equal((r.body.match(/<svg /g) ?? []).length, NAMES.length);
      // 多田套合率 2025 = 90.14% (seed 000) is the first point of its trend; 2026 is computed: 83.33%.
      const j = (await get('/api/indicators/reports/2026')).json();
      const dt = j.indicators.find((i: { code: string }) => i.code === 'DTTHL');
      assert.deepEqual(
        dt.trend.map((p: { year: number; value: number | null }) => [p.year, p.value === null ? null : Math.round(p.value * 100) / 100]),
        [
          [2022, null],
          [2023, null],
          [2024, null],
          [2025, 90.14],
          [2026, 83.33],
        ],
      );
      assert.equal(j.counts.green + j.counts.yellow + j.counts.red + j.counts.none, NAMES.length);
    });

    test('XLSX: overview, districts ranked, five-year view, alerts and sources', async () => {
      const r = await get('/api/indicators/reports/2026/xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as unknown as Parameters<typeof wb.xlsx.load>[0]);
      assert.deepEqual(
        wb.worksheets.map((w) => w.name),
        ['指标总览', '区县排名', '五年评估', '预警清单', '数据来源'],
      );
      const overview = wb.getWorksheet('指标总览')!;
      const codes: string[] = [];
      overview.eachRow((row, n) => {
        if (n > 3) codes.push(String(row.getCell(2).value));
      });
      assert.deepEqual(codes.sort(), DEFAULTS.indicators.map((i) => i.code).sort());
      // 城镇开发边界内城乡建设用地 ranked: 余杭 0.045 km² before 西湖 0.02 km² (higher first).
      const ranks: [string, number][] = [];
      wb.getWorksheet('区县排名')!.eachRow((row, n) => {
        if (n > 1 && row.getCell(1).value === 'KFBJNCXJSYD') ranks.push([String(row.getCell(5).value), Number(row.getCell(3).value)]);
      });
      assert.deepEqual(ranks, [
        ['余杭区', 1],
        ['西湖区', 2],
      ]);
    });

    test('dashboard, map by district and five-year evaluation', async () => {
      const d = (await get('/api/indicators/dashboard?year=2026')).json();
      assert.equal(d.region.code, '330100');
      assert.equal(d.indicators.length, NAMES.length);
      const gd = d.indicators.find((i: { code: string }) => i.code === 'GDBYL');
      assert.equal(gd.level, 'red');
      assert.deepEqual(
        gd.trend.map((p: { year: number; source: string }) => [p.year, p.source]),
        [
          [2022, 'reported'],
          [2025, 'reported'],
          [2026, 'computed'],
        ],
      );
      assert.deepEqual(
        gd.districts.map((x: { code: string; rank: number }) => [x.code, x.rank]),
        [
          [WEST, 1],
          [EAST, 2],
        ],
        '西湖 30,000 m² before 余杭 10,000 m²',
      );
      const dd = (await get(`/api/indicators/dashboard?year=2026&region=${EAST}`)).json();
      assert.equal(dd.region.name, '余杭区');
      assert.ok(
        Math.abs(dd.indicators.find((i: { code: string }) => i.code === 'DTTHL').value - 50) < 0.05,
        "half of 余杭's permanent farmland is high-standard",
      );
      assert.equal((await app.inject({ url: '/api/indicators/dashboard?region=999999', headers: planner })).statusCode, 404);
      const m = (await get('/api/indicators/map?indicator=DTTHL&year=2026')).json();
      assert.equal(m.type, 'FeatureCollection');
      assert.deepEqual(
        m.features.map((f: { properties: { code: string; value: number; rank: number } }) => [
          f.properties.code,
          Math.round(f.properties.value),
          f.properties.rank,
        ]),
        [
          [WEST, 100, 1],
          [EAST, 50, 2],
        ],
      );
      assert.equal(m.features[0].geometry.type, 'Polygon');
      const ev = (await get('/api/indicators/evaluation?to=2026&span=5')).json();
      assert.deepEqual(ev.years, [2022, 2023, 2024, 2025, 2026]);
      const dw = ev.indicators.find((i: { code: string }) => i.code === 'DWGDPJSYD');
      // 2025 reported 10.04 m²/万元; 2026 has no GDP statistic here, so no value and no change yet.
      assert.deepEqual(
        dw.values.map((v: { value: number | null }) => v.value),
        [null, null, null, 10.04, null],
      );
      const gde = ev.indicators.find((i: { code: string }) => i.code === 'GDBYL');
      assert.equal(gde.improving, false, 'from 189.09 万亩 (2022, reported) to 0.006 万亩: worse');
    });
  });
}

describe('onemap indicators (command line, embedded database)', () => {
  let dir: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/onemap.js', 'indicators', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ONEMAP_DATA_DIR: join(dir, 'data'), DATABASE_URL: '', ONEMAP_CLOCK: '2026-06-30' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'onemap-ind-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('compute --json, targets --json, report --format pdf, usage errors', () => {
    const c = run('compute', '--year', '2026', '--json');
    assert.equal(c.code, 0, c.err);
    const r = JSON.parse(c.out);
    assert.equal(r.year, 2026);
    assert.equal(r.indicators.length, NAMES.length);
    const gd = r.indicators.find((i: { code: string }) => i.code === 'GDBYL');
    assert.equal(gd.city.value, null, 'an empty store has no cultivated land layer');
    assert.match(gd.city.note, /DLTB/);
    const t = JSON.parse(run('targets', '--region', '330200', '--json').out);
    assert.equal(t.length, 16, '宁波市: 8 indicators × 2027 and 2030');
    const out = join(dir, 'report.pdf');
    const rep = run('report', '--year', '2026', '--format', 'pdf', '--out', out);
    assert.equal(rep.code, 0, rep.err);
    assert.equal(readFileSync(out).subarray(0, 5).toString(), '%PDF-');
    assert.equal(run('compute').code, 2);
    assert.match(run('compute', '--year', '2030').err, /尚未到来/);
  });
});
