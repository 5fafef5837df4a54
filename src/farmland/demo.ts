// Farmland demo data on the demo city, derived deterministically from the generated layers and the
// clock's "today" (ONEMAP_CLOCK pins it): district targets decomposed from the city's (seed 002:
// 174.40 / 145.16 万亩 "足额分解落实"), 占补平衡 lots and occupations, the cross-district agreements of
// seeds 000/001 (3021 亩 farmland and 1200 亩 forest quota from the western counties, 1000 亩 grain
// zone), 进出平衡 entries, patrol alerts over the last 60 days moved along their workflow (some
// merged, some overdue), and land consolidation projects with their checks. 多田套合 needs no demo
// data: it is computed from the demo layers on request; a stored run (which writes a version of
// layer DTTH_QS — the demo city's layers stay exactly the generated ones) is one click on the page
// or `onemap farmland taohe run`.
// Everything goes through the services, so it is validated and audited like a clerk's work (actor
// 'demo'); only the choices come from a seeded generator.
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { Scale } from '../demo/grid.ts';
import { mulberry32 } from '../demo/prng.ts';
import { addDays, fixedClock } from '../util/clock.ts';
import { appendAudit } from '../audit/audit.ts';
import { m2ToMu } from '../area/units.ts';
import { accounts } from './accounts.ts';
import * as farm from './farmland.repository.ts';
import * as repo from './demo.repository.ts';
import { addCompensation, approveOccupation, recordInOut, signAgreement } from './ledger.ts';
import { intakeAlert, transition, type AlertSource } from './patrol.ts';
import { checkProject, createProject } from './consolidation.ts';

const SIZES: Record<Scale, { alerts: number; projects: number; projectHalfSideM: number }> = {
  small: { alerts: 24, projects: 8, projectHalfSideM: 3000 },
  demo: { alerts: 30, projects: 12, projectHalfSideM: 2500 },
  large: { alerts: 200, projects: 60, projectHalfSideM: 2000 },
};
const ACTOR = 'demo';

/** 进出平衡 of the year before, per district: garden land restored to farmland, and farmland turned to garden land (share of the base). */
const INOUT = [
  ['in', 0.1, '0201', '0103', '园地恢复为耕地'],
  ['out', 0.08, '0103', '0201', '耕地转为园地'],
] as const;

export interface FarmlandDemoResult {
  targets: number;
  lots: number;
  occupations: number;
  agreements: number;
  alerts: number;
  cases: number;
  projects: number;
}

export const hasFarmlandDemo = (db: Db) => repo.hasFarmlandDemo(db);

export async function generateFarmlandDemo(db: Db, config: Config, opts: { scale: Scale }): Promise<FarmlandDemoResult> {
  const size = SIZES[opts.scale];
  const today = config.clock.today();
  const year = Number(today.slice(0, 4));
  const rnd = mulberry32(2035);
  const out: FarmlandDemoResult = { targets: 0, lots: 0, occupations: 0, agreements: 0, alerts: 0, cases: 0, projects: 0 };

  // ---- district targets: the city's, shared by each district's cultivated land / permanent farmland
  const acc = await accounts(db, config.districts);
  const cityTargets = (await farm.targets(db)).filter((t) => t.region === '3301' && (t.code === 'GDBYL' || t.code === 'YJJBNT'));
  for (const t of cityTargets) {
    const key = t.code === 'GDBYL' ? 'cultivated' : 'yjjbnt';
    const shares = acc.byDistrict
      .filter((d) => d.code)
      .map((d) => ({ code: d.code!, m2: d.categories.find((c) => c.key === key)!.areaM2 * (0.92 + 0.16 * rnd()) }));
    const total = shares.reduce((s, d) => s + d.m2, 0);
    if (total <= 0) continue;
    for (const d of shares.filter((x) => x.m2 > 0)) {
      const row: farm.TargetRow = {
        ...t,
        region: d.code,
        value: Math.round(((t.value * d.m2) / total) * 100) / 100,
        source: `演示数据：按区县${key === 'cultivated' ? '现状耕地' : '永久基本农田'}占比分解市级目标（${t.source}）`,
      };
      await db.transaction(async (tx) => {
        await farm.upsertTarget(tx, row);
        await appendAudit(tx, {
          actor: ACTOR,
          action: 'farmland.target',
          entity: 'farmland_target',
          entityId: `${row.code}:${row.region}:${row.year}`,
          after: row,
        });
      });
      out.targets++;
    }
  }

  // ---- balance ledgers: lots from 垦造/旱改水 projects, occupations by projects, agreements, 进出平衡
  const cultivated = acc.byDistrict
    .filter((d) => d.code)
    .map((d) => ({ code: d.code!, mu: d.categories.find((c) => c.key === 'cultivated')!.areaMu }));
  for (const d of cultivated) {
    const base = Math.max(50, Math.round(d.mu * 0.004));
    for (const [i, f] of [
      [1, 0.5],
      [2, 0.3],
      [3, 0.2],
    ] as const) {
      const grade = 2 + Math.floor(rnd() * 9);
      await addCompensation(
        db,
        {
          district: d.code,
          grade,
          paddy: i === 2,
          areaMu: Math.round(base * f),
          source: `${i === 2 ? '旱改水' : '垦造耕地'}项目 ${d.code}-${year - 1}-${i}`,
          year: year - 1,
        },
        ACTOR,
      );
      out.lots++;
    }
    for (const [i, f] of [
      [1, 0.35],
      [2, 0.2],
    ] as const) {
      await approveOccupation(
        db,
        { district: d.code, grade: 10, areaMu: Math.round(base * f), project: `${['交通', '产业'][i - 1]}项目 ${d.code}-${i}`, year },
        ACTOR,
      );
      out.occupations++;
    }
    for (const [direction, share, fromClass, toClass, note] of INOUT)
      await recordInOut(
        db,
        { district: d.code, year: year - 1, direction, areaMu: Math.round(base * share), fromClass, toClass, note },
        ACTOR,
      );
  }
  // Seeds 000 (2025: 3021 亩 耕地占补平衡指标、1200 亩 补充林地指标, 协作资金 19.8 亿元, shared here by
  // area) and 001 (1000 亩 粮食生产功能区异地代保): the western counties sell to the eastern districts.
  const deals = [
    {
      from: '330127',
      to: '330109',
      quotaType: 'farmland' as const,
      mu: 1500,
      fundsYi: (19.8 * 1500) / 4221,
      note: '种楼与种田利益分享（《杭州市人民政府关于2025年度国土空间规划工作情况的报告》（2025-12-29）：协作区县签订 3021 亩耕地占补平衡指标，分两份）',
    },
    {
      from: '330182',
      to: '330110',
      quotaType: 'farmland' as const,
      mu: 1521,
      fundsYi: (19.8 * 1521) / 4221,
      note: '种楼与种田利益分享（《杭州市人民政府关于2025年度国土空间规划工作情况的报告》（2025-12-29））',
    },
    {
      from: '330122',
      to: '330114',
      quotaType: 'forest' as const,
      mu: 1200,
      fundsYi: (19.8 * 1200) / 4221,
      note: '补充林地指标（《杭州市人民政府关于2025年度国土空间规划工作情况的报告》（2025-12-29）：1200 亩补充林地指标协议）',
    },
    {
      from: '330112',
      to: '330102',
      quotaType: 'grain' as const,
      mu: 1000,
      fundsYi: undefined,
      note: '粮食生产功能区异地代保（《发展提质向新 惠民更上层楼》，杭州日报：建立粮食生产功能区异地代保机制；1000 亩为演示数值）',
    },
  ];
  for (const [i, d] of deals.entries()) {
    await addCompensation(
      db,
      {
        district: d.from,
        quotaType: d.quotaType,
        grade: 4 + i,
        areaMu: d.mu + 200,
        source: `${d.quotaType === 'forest' ? '补充林地' : d.quotaType === 'grain' ? '粮食生产功能区建设' : '垦造耕地'}项目 ${d.from}-${year - 1}-X`,
        year: year - 1,
      },
      ACTOR,
    );
    out.lots++;
    await signAgreement(
      db,
      {
        fromDistrict: d.from,
        toDistrict: d.to,
        quotaType: d.quotaType,
        areaMu: d.mu,
        fundsYi: d.fundsYi === undefined ? undefined : Math.round(d.fundsYi * 100) / 100,
        signedOn: addDays(today, -200 + 30 * i),
        note: d.note,
      },
      ACTOR,
    );
    out.agreements++;
  }

  // ---- patrol: alerts over the last 60 days, moved along the workflow day by day
  const sources: AlertSource[] = ['camera', 'remote-sensing', 'drone', 'patrol'];
  const patches = await repo.pickCultivated(db, size.alerts);
  const caseIds = new Set<number>();
  for (const [i, p] of patches.entries()) {
    const day0 = addDays(today, -Math.floor(60 * (1 - i / patches.length)));
    const clock = fixedClock(day0);
    const c = { ...config, clock };
    const source = sources[i % 4];
    const a = await intakeAlert(
      db,
      c,
      {
        source,
        externalId: `${source.toUpperCase()}-${day0.replaceAll('-', '')}-${i}`,
        observedAt: `${day0}T0${i % 10}:15:00+08:00`,
        geometry: JSON.parse(source === 'remote-sensing' ? p.polygon : p.point),
        evidenceUrl: `https://evidence.example.invalid/${source}/${p.fid}.jpg`,
        description:
          source === 'remote-sensing'
            ? '遥感变化图斑：耕地疑似变为建设用地'
            : source === 'camera'
              ? '铁塔视频识别：耕地上疑似堆土、建房'
              : source === 'drone'
                ? '无人机巡查：疑似硬化地面'
                : '田长巡查上报',
      },
      ACTOR,
    );
    out.alerts++;
    caseIds.add(a.caseId);
    if (i % 5 === 1) {
      // 多违合一: the same spot seen again by another source two days later.
      const day1 = addDays(day0, 2);
      if (day1 <= today) {
        await intakeAlert(
          db,
          { ...config, clock: fixedClock(day1) },
          {
            source: sources[(i + 1) % 4],
            observedAt: `${day1}T10:00:00+08:00`,
            geometry: JSON.parse(p.point),
            description: '同一位置再次发现',
          },
          ACTOR,
        );
        out.alerts++;
      }
    }
    if (a.outcome !== 'new-case') continue;
    const r = rnd();
    const steps: { after: number; input: Parameters<typeof transition>[3] }[] = [];
    if (r >= 0.15) steps.push({ after: 1, input: { action: 'assign', assignee: ['张田长', '李巡查', '王执法'][i % 3] } });
    if (r >= 0.35)
      steps.push({
        after: 2,
        input: {
          action: 'verify',
          note: '现场核查属实：耕地上堆放建材、硬化地面',
          verification: { landUse: '硬化地面', areaM2: Math.round(p.area_m2 * 0.1) },
        },
      });
    if (r >= 0.9) steps.splice(1, 1, { after: 2, input: { action: 'false-alarm', note: '现场核查：农户晾晒作物，非违法占用' } });
    else if (r >= 0.8) steps.push({ after: 2, input: { action: 'violation', note: '未经批准占用耕地建房，移交执法立案' } });
    else if (r >= 0.5) steps.push({ after: 1, input: { action: 'rectify', note: '责令 30 日内拆除复耕' } });
    if (r >= 0.65 && r < 0.8) steps.push({ after: 20, input: { action: 'complete', note: '已拆除复耕，现场复核通过' } });
    let day = day0;
    for (const s of steps) {
      day = addDays(day, s.after);
      if (day > today) break;
      await transition(db, fixedClock(day), a.caseId, s.input, ACTOR);
    }
  }
  out.cases = caseIds.size;

  // ---- land consolidation projects around permanent farmland, with their checks
  const sites = await repo.pickProjectSites(db, size.projects, size.projectHalfSideM);
  const names = Object.fromEntries(acc.byDistrict.map((d) => [d.code, d.name]));
  for (const [i, s] of sites.entries()) {
    if (!/^\d{6}$/.test(s.district)) continue;
    const orig = 2000 + Math.round(rnd() * 6000);
    const fig = (share: number, jitter: number) => Math.round(orig * (share + (rnd() - 0.5) * jitter) * 100) / 100;
    const adjusted = fig(0.02, 0.03);
    const industrial = Math.round(200 + rnd() * 600);
    const p = await createProject(
      db,
      {
        code: `ZZ${s.district}${String(i + 1).padStart(3, '0')}`,
        name: `${names[s.district] ?? s.district}${i % 4 === 0 ? '跨乡镇' : ''}土地综合整治项目（${i + 1}号）`,
        district: s.district,
        pilot: i % 4 === 0,
        startYear: year - 3 + (i % 4),
        status: i % 4 === 3 ? 'planned' : i % 3 === 0 ? 'accepted' : 'implementing',
        figures: {
          originalCultivatedMu: orig,
          newCultivatedMu: fig(0.06, 0.04),
          adjustedYjjbntMu: adjusted,
          addedYjjbntMu: Math.round(adjusted * (1.03 + rnd() * 0.06) * 100) / 100,
          facilityLandMu: fig(0.04, 0.03),
          contiguousFarmlandMu: orig,
          inefficientIndustrialMu: industrial,
          relocatedIntoParksMu: Math.round(industrial * (0.6 + rnd() * 0.3)),
          provincialApproval: false,
        },
        areas: [
          { kind: 'project', name: '项目区', geometry: JSON.parse(s.project) },
          { kind: 'consolidation', name: '整治区', geometry: JSON.parse(s.zone) },
        ],
      },
      ACTOR,
    );
    if (i % 4 !== 3) await checkProject(db, config.clock, p.id, ACTOR);
    out.projects++;
  }

  await appendAudit(db, {
    actor: ACTOR,
    action: 'farmland.demo',
    entity: 'farmland',
    after: { ...out, today, scale: opts.scale, cultivatedMu: m2ToMu(acc.city.find((c) => c.key === 'cultivated')!.areaM2) },
  });
  return out;
}
