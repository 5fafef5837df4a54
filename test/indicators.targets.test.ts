// Targets on every test database: the seed-003 table imported exactly (every city's 2027 and 2030
// rows checked against the figures below, typed from the seed's printed table), Hangzhou's own
// floors from seeds 000/002, targets entered through the API, and XLSX/CSV import and export —
// a file with a bad line refused whole, naming each line, with nothing written.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { multipart } from './helpers/multipart.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock } from '../src/util/clock.ts';
import { parseCsv } from '../src/indicators/csv.ts';

// 浙江省存量空间提质增效行动主要指标表 (seed 003), in column order: 盘活存量建设用地(亩), 完成低效用地再开发(亩),
// 年度批而未供土地消化任务完成率 %, 年度闲置土地处置任务完成率 %, 存量土地供应占比 ≥%, 新增工业用地平均容积率 ≥,
// 单位GDP地耗下降率 ≥%, 社区公共服务设施步行15分钟覆盖率 ≥%.
const COLUMNS = ['PHCLJSYD', 'DXYDZKF', 'PEWGXHL', 'XZTDCZL', 'CLTDGYZB', 'XZGYRJL', 'DWGDPDHXJL', 'SQ15FGL'];
const SEED_003: Record<number, Record<string, [string, number[]]>> = {
  2027: {
    杭州市: ['330100', [47000, 29900, 100, 100, 62.5, 1.5, 8.1, 84.0]],
    宁波市: ['330200', [40500, 25300, 100, 100, 62.5, 1.5, 8.1, 83.0]],
    温州市: ['330300', [31500, 25500, 100, 100, 62.5, 1.5, 8, 85.2]],
    嘉兴市: ['330400', [33300, 10800, 100, 100, 58.5, 1.5, 8, 76.4]],
    湖州市: ['330500', [27500, 8400, 100, 100, 58.5, 1.5, 8, 67.2]],
    绍兴市: ['330600', [24000, 11400, 100, 100, 58.5, 1.5, 8, 58.8]],
    金华市: ['330700', [36500, 17450, 100, 100, 58.5, 1.5, 8, 66.8]],
    衢州市: ['330800', [14500, 3050, 100, 100, 53.5, 1.5, 7.9, 66.0]],
    舟山市: ['330900', [9500, 2600, 100, 100, 57.0, 1.5, 8, 77.6]],
    台州市: ['331000', [26100, 13000, 100, 100, 58.5, 1.5, 8, 56.0]],
    丽水市: ['331100', [9600, 2600, 100, 100, 53.5, 1.5, 7.9, 67.6]],
  },
  2030: {
    杭州市: ['330100', [94000, 59700, 100, 100, 64, 1.5, 17.2, 90.0]],
    宁波市: ['330200', [81000, 50400, 100, 100, 64, 1.5, 17.2, 88.0]],
    温州市: ['330300', [63000, 51000, 100, 100, 64, 1.5, 17, 88.5]],
    嘉兴市: ['330400', [66600, 21600, 100, 100, 60, 1.5, 17, 78.5]],
    湖州市: ['330500', [55000, 16800, 100, 100, 60, 1.5, 17, 72.0]],
    绍兴市: ['330600', [48000, 22800, 100, 100, 60, 1.5, 17, 64.5]],
    金华市: ['330700', [73000, 34800, 100, 100, 60, 1.5, 17, 77.0]],
    衢州市: ['330800', [29000, 6300, 100, 100, 55.5, 1.5, 16.8, 75.0]],
    舟山市: ['330900', [19000, 5400, 100, 100, 59, 1.5, 17, 81.5]],
    台州市: ['331000', [52200, 25800, 100, 100, 60, 1.5, 17, 62.0]],
    丽水市: ['331100', [19200, 5400, 100, 100, 55.5, 1.5, 16.8, 71.5]],
  },
};

interface T {
  indicator: string;
  region: string;
  regionName: string;
  year: number;
  value: number;
  bound: string;
  hard: boolean;
  baseYear: number | null;
  source: string;
}

for (const tdb of testDatabases()) {
  describe(`indicator targets (${tdb.name})`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let planner: Record<string, string>;
    const get = async (url: string, headers = admin) => {
      const r = await app.inject({ url, headers });
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      return r;
    };
    /** An upload as inject options: the file in field "file", signed in as `headers`. */
    const multipartBody = (name: string, content: Buffer, headers: Record<string, string>) => {
      const m = multipart([{ name, content }]);
      return { payload: m.payload, headers: { ...headers, ...m.headers } };
    };
    const count = async () => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM indicator_target`)).rows[0].n;

    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: { ...h.config, clock: fixedClock('2026-06-30') } });
      admin = await authHeaders(h.db, 'admin');
      planner = await authHeaders(h.db, 'planner');
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('the seed-003 table is imported exactly: 11 cities × 8 indicators × 2027 and 2030', async () => {
      const all = (await get('/api/indicators/targets')).json() as T[];
      for (const year of [2027, 2030]) {
        for (const [city, [region, figures]] of Object.entries(SEED_003[year])) {
          const rows = all.filter((t) => t.region === region && t.year === year);
          assert.equal(rows.length, 8, `${city} ${year}: eight targets`);
          COLUMNS.forEach((code, i) => {
            const t = rows.find((r) => r.indicator === code);
            assert.ok(t, `${city} ${year} ${code}`);
            assert.equal(t.value, figures[i], `${city} ${year} ${code}`);
            assert.equal(t.bound, 'min', `${city} ${year} ${code}: a figure to reach (≥)`);
            assert.equal(t.regionName, city);
            assert.equal(t.baseYear, 2025, '较2025年');
            assert.equal(t.hard, false);
            assert.match(t.source, new RegExp(`存量空间提质增效行动主要指标表（${year}年）`));
          });
        }
      }
      const fromSeed = all.filter((t) => /浙江省存量空间提质增效行动主要指标表/.test(t.source));
      assert.equal(fromSeed.length, 11 * 8 * 2);
    });

    test("Hangzhou's floors from seeds 000/002 are hard targets", async () => {
      const hz = (await get('/api/indicators/targets?region=330100&year=2035')).json() as T[];
      const v = Object.fromEntries(hz.map((t) => [t.indicator, [t.value, t.hard]]));
      assert.deepEqual(v, { GDBYL: [174.4, true], GYYDGM: [360, true], YJJBNTMJ: [145.16, true] });
    });

    test('an administrator enters a target; others may not; the change is audited', async () => {
      const body = {
        indicator: 'GYYDGM',
        region: '330110',
        regionName: '余杭区',
        year: 2030,
        value: 42.5,
        hard: true,
        source: '工业用地控制线分解（测试）',
      };
      const denied = await app.inject({ method: 'PUT', url: '/api/indicators/targets', headers: planner, payload: body });
      assert.equal(denied.statusCode, 403);
      const r = await app.inject({ method: 'PUT', url: '/api/indicators/targets', headers: admin, payload: body });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual([r.json().value, r.json().bound, r.json().hard], [42.5, 'min', true]);
      const bad = await app.inject({
        method: 'PUT',
        url: '/api/indicators/targets',
        headers: admin,
        payload: { ...body, indicator: 'NOPE', region: '999999', regionName: undefined },
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad.json().problems.map((p: string) => p.split(':')[0]),
        ['indicator', 'regionName'],
      );
      const audit = await h.db.query<{ action: string }>(
        `SELECT action FROM audit_log WHERE entity = 'indicator_target' AND entity_id = 'GYYDGM/330110/2030'`,
      );
      assert.deepEqual(
        audit.rows.map((a) => a.action),
        ['indicators.target.create'],
      );
      const del = await app.inject({ method: 'DELETE', url: '/api/indicators/targets/GYYDGM/330110/2030', headers: admin });
      assert.equal(del.statusCode, 200, del.body);
      assert.equal(
        (await app.inject({ method: 'DELETE', url: '/api/indicators/targets/GYYDGM/330110/2030', headers: admin })).statusCode,
        404,
      );
    });

    test('CSV import: values printed as ≥86.5% are read; a bad file is refused whole, line by line', async () => {
      const before = await count();
      const bad = await app.inject({
        method: 'POST',
        url: '/api/indicators/targets/import',
        ...multipartBody('targets-bad.csv', readFileSync('fixtures/indicators/targets-bad.csv'), admin),
      });
      assert.equal(bad.statusCode, 400, bad.body);
      const problems = bad.json().problems as string[];
      assert.ok(
        problems.some((p) => /第 3 行 indicator/.test(p)),
        problems.join('\n'),
      );
      assert.ok(problems.some((p) => /第 4 行 region/.test(p)));
      assert.ok(problems.some((p) => /第 5 行 year/.test(p)) && problems.some((p) => /第 5 行 硬约束/.test(p)));
      assert.equal(await count(), before, 'nothing written');

      const ok = await app.inject({
        method: 'POST',
        url: '/api/indicators/targets/import',
        ...multipartBody('targets-districts.csv', readFileSync('fixtures/indicators/targets-districts.csv'), admin),
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { imported: 3, created: 3, updated: 0 });
      const sq = (await get('/api/indicators/targets?indicator=SQ15FGL&region=330106')).json() as (T & { baseline: number })[];
      assert.deepEqual([sq[0].value, sq[0].bound, sq[0].baseYear, sq[0].baseline], [86.5, 'min', 2025, 82]);
      const gd = (await get('/api/indicators/targets?indicator=GDBYL&region=330110')).json() as T[];
      assert.equal(gd[0].hard, true);
    });

    test('export as CSV and XLSX, and an XLSX import of the exported sheet changes nothing but what was edited', async () => {
      const csv = await get('/api/indicators/targets/export?format=csv&region=330100');
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      const rows = parseCsv(csv.body);
      assert.deepEqual(rows[0], [
        '指标代码',
        '指标名称',
        '地区代码',
        '地区名称',
        '目标年',
        '目标值',
        '比较',
        '硬约束',
        '基期年',
        '基期值',
        '来源',
      ]);
      const row = rows.find((r) => r[0] === 'PHCLJSYD' && r[4] === '2027');
      assert.deepEqual(row?.slice(0, 8), ['PHCLJSYD', '盘活存量建设用地', '330100', '杭州市', '2027', '47000', '≥', '否']);

      const x = await get('/api/indicators/targets/export?format=xlsx&region=330106');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as unknown as Parameters<typeof wb.xlsx.load>[0]);
      const ws = wb.worksheets[0];
      assert.equal(ws.getCell('A1').value, '指标代码');
      assert.equal(ws.rowCount, 3, 'header and the two 西湖区 targets');
      // Edit one value in the sheet and import it back.
      for (let r = 2; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === 'PHCLJSYD') ws.getCell(r, 6).value = 3500;
      const edited = Buffer.from(await wb.xlsx.writeBuffer());
      const before = await count();
      const imp = await app.inject({
        method: 'POST',
        url: '/api/indicators/targets/import',
        ...multipartBody('西湖区目标.xlsx', edited, admin),
      });
      assert.equal(imp.statusCode, 200, imp.body);
      assert.deepEqual(imp.json(), { imported: 2, created: 0, updated: 2 });
      assert.equal(await count(), before);
      assert.equal(((await get('/api/indicators/targets?indicator=PHCLJSYD&region=330106')).json() as T[])[0].value, 3500);
      const wrongType = await app.inject({
        method: 'POST',
        url: '/api/indicators/targets/import',
        ...multipartBody('targets.pdf', Buffer.from('%PDF-1.4'), admin),
      });
      assert.equal(wrongType.statusCode, 400);
      assert.match(wrongType.json().error, /\.xlsx 或 \.csv/);
    });
  });
}
