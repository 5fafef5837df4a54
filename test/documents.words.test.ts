// No workshop words in anything a user sees (issue 19 item 1). Every generated document kind — the
// yearly check-up report (PDF text read back with unpdf, HTML, XLSX), the review opinion (PDF and
// HTML), the audit trail CSV, the targets and statistics exports — and every message table of the web
// app are scanned for what belongs to the project's workshop rather than to a bureau: seed file
// numbers, project notes (domain.md, §-references, .md files), internal row ids (#65223), command
// lines (onemap …, npm …) and API paths (/api/…, POST /…). The Chinese side of the message tables
// must also not be an English-only sentence. Errors the pages show verbatim (no life-circle run
// yet, no walking network) are scanned too. The opinion of a signed case must also name the signer
// by name and role and show attributes under their catalogue names, not field codes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { pdfText } from './helpers/pdf-text.ts';
import { sq, fc } from './helpers/city.ts';
import { loadIndicatorCity, loadLayer } from './helpers/indicators-city.ts';
import { buildApp } from '../src/server/app.ts';
import { fixedClock } from '../src/util/clock.ts';
import { shell } from '../web/src/i18n/shell.ts';
import { provenanceText } from '../src/indicators/provenance.ts';
import type { Messages } from '../web/src/i18n/types.ts';

/** What a bureau's reader must never meet, each with a name for the failure message. */
const WORKSHOP: [string, RegExp][] = [
  ['seed file', /seed[\s_-]*0\d\d|种子文件|种子\s*0\d\d/i],
  ['project note', /domain\.md|style\.md|ARCHITECTURE|\b[\w-]+\.md\b/],
  ['§ reference', /§\s*\d/],
  ['internal id', /#\d{2,}|#\{\w+\}/],
  ['command line', /\bonemap\s+(?:[a-z]+\s)?[a-z-]+|\bnpm\s+(?:run|test|install)|--json\b/],
  ['API path', /\/api\/|\b(?:GET|POST|PUT|DELETE|PATCH)\s+\//],
];

function workshopWords(where: string, text: string): string[] {
  const out: string[] = [];
  for (const [name, re] of WORKSHOP) {
    const m = re.exec(text);
    if (m) out.push(`${where}: ${name} «${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\s+/g, ' ')}»`);
  }
  return out;
}

const CJK = /[\u3400-\u9fff]/;
/** An English sentence where Chinese is due: three or more Latin words and not one Chinese character. */
const englishOnly = (s: string) => !CJK.test(s) && (s.match(/[A-Za-z]{2,}/g) ?? []).length >= 3;

/** Visible text of an HTML page: no styles, scripts, tags or attribute values (colours such as #555555). */
const htmlText = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/g, ' ');

async function xlsxText(buf: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const parts: string[] = [];
  wb.eachSheet((ws) => {
    parts.push(ws.name);
    ws.eachRow((row) => row.eachCell((c) => parts.push(c.text)));
  });
  return parts.join('\n');
}

async function messageTables(): Promise<[string, Messages][]> {
  const dir = join(process.cwd(), 'web', 'src', 'pages');
  const tables: [string, Messages][] = [['web/src/i18n/shell.ts', shell]];
  for (const area of readdirSync(dir).sort()) {
    if (!readdirSync(join(dir, area)).includes('messages.ts')) continue;
    const mod = (await import(join(dir, area, 'messages.ts'))) as { messages: Messages };
    tables.push([`web/src/pages/${area}/messages.ts`, mod.messages]);
  }
  return tables;
}

describe('message tables of the web app', () => {
  test('no workshop words in either language; the Chinese side is not an English sentence', async () => {
    const tables = await messageTables();
    assert.ok(tables.length >= 9, `${tables.length} message tables`);
    const problems: string[] = [];
    for (const [file, m] of tables) {
      for (const lang of ['zh', 'en'] as const)
        for (const [k, v] of Object.entries(m[lang] ?? {})) problems.push(...workshopWords(`${file} ${lang} ${k}`, v));
      for (const [k, v] of Object.entries(m.zh)) if (englishOnly(v)) problems.push(`${file} zh ${k}: English only «${v}»`);
    }
    assert.deepEqual(problems, []);
  });
});

test('where a computed value came from names no row ids (the report, the dashboard)', () => {
  // A ledger figure and a life-circle figure as compute.ts records them; the run and the last land
  // record are row ids a reader cannot look up, so the sentence gives a count and a date instead.
  const ledger = provenanceText({ ledger: 'idleDisposal', ledgerState: { landEvents: 12, lastEventId: 65223 } }, 'computed');
  assert.equal(ledger, '土地全生命周期闲置土地处置台账（计算时共 12 条土地环节记录）');
  // 2026-11-01T17:30Z is 2026-11-02 01:30 in China Standard Time.
  const access = provenanceText({ accessRun: 7, runCreatedAt: '2026-11-01T17:30:00Z' }, 'computed');
  assert.equal(access, '15分钟生活圈计算（2026-11-02）');
  assert.deepEqual([...workshopWords('ledger', ledger), ...workshopWords('access', access)], []);
});

for (const tdb of testDatabases()) {
  describe(`documents a user receives (${tdb.name})`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    let planner: Record<string, string>;
    const problems: string[] = [];
    const get = async (url: string, headers = admin) => {
      const r = await app.inject({ url, headers });
      assert.equal(r.statusCode, 200, `${url}: ${r.body.slice(0, 300)}`);
      return r;
    };

    before(async () => {
      h = await tdb.open();
      await loadIndicatorCity(h.db, h.config);
      app = await buildApp({ db: h.db, config: { ...h.config, clock: fixedClock('2026-12-20') } });
      admin = await authHeaders(h.db, 'admin');
      planner = await authHeaders(h.db, 'planner');
      const r = await app.inject({ method: 'POST', url: '/api/indicators/compute', headers: planner, payload: { year: 2026 } });
      assert.equal(r.statusCode, 201, r.body);
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('check-up report: PDF, HTML and workbook', async () => {
      const pdf = await pdfText((await get('/api/indicators/reports/2026/pdf')).rawPayload);
      problems.push(...workshopWords('report PDF', pdf.pages.join('\n')));
      problems.push(...workshopWords('report PDF info', JSON.stringify(pdf.info)));
      problems.push(...workshopWords('report HTML', htmlText((await get('/api/indicators/reports/2026/html')).body)));
      problems.push(...workshopWords('report XLSX', await xlsxText((await get('/api/indicators/reports/2026/xlsx')).rawPayload)));
      const json = (await get('/api/indicators/reports/2026')).body;
      problems.push(...workshopWords('report data shown on the page', json));
    });

    test('targets and statistics exports', async () => {
      for (const what of ['targets', 'statistics']) {
        problems.push(...workshopWords(`${what} CSV`, (await get(`/api/indicators/${what}/export?format=csv`)).body));
        const x = await get(`/api/indicators/${what}/export?format=xlsx`);
        problems.push(...workshopWords(`${what} XLSX`, await xlsxText(x.rawPayload)));
      }
    });

    test('errors the life-circle page shows as they come', async () => {
      for (const url of ['/api/access/runs/latest', '/api/access/network']) {
        const r = await app.inject({ url, headers: admin });
        assert.equal(r.statusCode, 404, r.body);
        const { error } = r.json() as { error: string };
        problems.push(...workshopWords(url, error));
        if (!CJK.test(error)) problems.push(`${url}: not Chinese «${error}»`);
      }
    });

    test('review opinion of a signed case: workshop-free, the signer by name, attributes by their catalogue names', async () => {
      // One permanent-farmland patch and one plan unit under the project: their attributes are what
      // the opinion lists (保护图斑编号, 地类编码; 单元编号, 建筑限高).
      await loadLayer(h.db, h.config, 'YJJBNT', [
        { fid: 'YJ1', geometry: sq(-3000, 1000, -2800, 1200), props: { BHTBBH: '330106JB0001', DLBM: '0101' } },
      ]);
      await loadLayer(h.db, h.config, 'XXGHDY', [
        { fid: 'DY1', geometry: sq(-3500, 500, -2500, 1500), props: { DYBH: 'XH-07', DYMC: '西湖单元', RJLSX: 1.2, JZXG: 24 } },
      ]);
      const reviewer = await authHeaders(h.db, 'reviewer', { username: 'zhang_shen', name: '张审' });
      const call = async (method: 'POST' | 'GET', url: string, payload?: object) => {
        const r = await app.inject({ method, url, payload, headers: reviewer });
        assert.ok(r.statusCode < 300, `${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
        return r;
      };
      const sub = await app.inject({
        method: 'POST',
        url: '/api/review/cases',
        headers: planner,
        payload: {
          title: '西湖区文体中心项目',
          applicant: '杭州某建设公司',
          type: 'urban-construction',
          geojson: fc(sq(-2950, 1050, -2850, 1150)),
        },
      });
      assert.equal(sub.statusCode, 201, sub.body);
      const { id, pending } = sub.json() as { id: number; pending: string[] };
      for (const key of pending)
        await call('POST', `/api/review/cases/${id}/findings/${encodeURIComponent(key)}/review`, { action: 'confirm', reason: '核实无误' });
      await call('POST', `/api/review/cases/${id}/decision`, { decision: '不通过', opinion: '项目占用永久基本农田，不予通过。' });
      await call('POST', `/api/review/cases/${id}/sign`);

      const text = (await pdfText((await get(`/api/review/cases/${id}/opinion.pdf`)).rawPayload)).pages.join('\n');
      const html = htmlText((await get(`/api/review/cases/${id}/opinion.html`)).body);
      problems.push(...workshopWords('opinion PDF', text), ...workshopWords('opinion HTML', html));
      for (const [what, doc] of [
        ['PDF', text],
        ['HTML', html],
      ]) {
        assert.match(doc, /签发人：张审（审查员）/, `the ${what} names the signer and role`);
        assert.match(doc, /保护图斑编号[：=]330106JB0001/, `the ${what} names the farmland attribute`);
        assert.match(doc, /单元编号[：=]XH-07/, `the ${what} names the plan-unit attribute`);
        for (const code of ['BHTBBH', 'DYBH', 'JZXG', 'RJLSX', '图层 YJJBNT', '图层 JC'])
          assert.ok(!doc.includes(code), `the ${what} shows no field code ${code}`);
        assert.ok(!/onemap ·|zhang_shen/.test(doc), `the ${what} shows no product header and no login`);
      }
      assert.match(text, /杭州市规划和自然资源局/, 'the bureau heads the PDF');
    });

    test('audit trail CSV', async () => {
      problems.push(...workshopWords('audit CSV', (await get('/api/audit/export?format=csv')).body));
    });

    test('nothing found', () => {
      assert.deepEqual(problems, []);
    });
  });
}
