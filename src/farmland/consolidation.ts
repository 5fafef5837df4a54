// Land consolidation projects (土地综合整治, seed 004 杭政办函〔2023〕21号, domain.md §7): a project
// with its sub-areas (项目区 'project', 整治区 'consolidation'), declared figures, optional
// before/after versions of the land-use layer, and the checks. The checks are rules of the review
// engine's registry (src/review/rules/consolidation-*.ts) in the versioned rule set
// "land-consolidation" (consolidation-ruleset.json), which administrators edit like any other rule
// set (PUT /api/review/rulesets/land-consolidation). Progress against the city's 2027 targets
// and a yearly evaluation by district come from the projects and their latest checks.
import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../db/index.ts';
import type { Clock } from '../util/clock.ts';
import { m2ToMu, muToM2 } from '../area/units.ts';
import { appendAudit } from '../audit/audit.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import { getLayer } from '../catalogue/catalogue.service.ts';
import { resolveVersion } from '../store/store.service.ts';
import { currentRuleSet, saveRuleSet, type RuleSetDef } from '../review/ruleset.ts';
import type { Subject } from '../review/rules/context.ts';
import type { ConsolidationFacts } from '../review/rules/consolidation-ratio.ts';
import { evaluateRules, overallVerdict } from '../review/engine.ts';
import type { Finding } from '../review/types.ts';
import * as repo from './consolidation.repository.ts';
import { withFallback } from './robust.ts';
import * as farm from './farmland.repository.ts';

export const CONSOLIDATION_RULESET: RuleSetDef = JSON.parse(readFileSync(new URL('./consolidation-ruleset.json', import.meta.url), 'utf8'));
const RULESET = CONSOLIDATION_RULESET.name;

/** Declared figures a project may carry (m²; the same names ending in Mu are taken in 亩). */
export const FIGURES: Record<string, string> = {
  originalCultivatedM2: '整治区原有耕地',
  newCultivatedM2: '新增耕地（含旱地改水田）',
  adjustedYjjbntM2: '永久基本农田调整（调出）面积',
  addedYjjbntM2: '补划（调入）永久基本农田面积',
  netNewYjjbntM2: '净增永久基本农田',
  facilityLandM2: '设施农用地及农文旅混合建设用地',
  contiguousFarmlandM2: '集中连片耕地',
  inefficientIndustrialM2: '整治低效工业用地',
  relocatedIntoParksM2: '迁入开发区（园区）的低效工业用地',
};
const STATUSES = ['planned', 'implementing', 'accepted'];

/** Installs the shipped consolidation rule set as version 1 when there is none yet. */
export async function ensureConsolidationRuleSet(q: Queryable): Promise<void> {
  try {
    await currentRuleSet(q, RULESET);
  } catch (e) {
    // Review refuses with NotFound when there is no such rule set.
    if (!(e instanceof NotFound)) throw e;
    await saveRuleSet(q, CONSOLIDATION_RULESET, 'system', '随系统发布的土地综合整治核验规则（杭政办函〔2023〕21号）');
  }
}

export function normaliseFigures(input: unknown): Record<string, number | boolean> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new Invalid('figures 须为对象 (figures must be an object)');
  const out: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (k === 'provincialApproval') {
      if (typeof v !== 'boolean') throw new Invalid(`figures.provincialApproval 须为 true/false, got ${JSON.stringify(v)}`);
      out[k] = v;
      continue;
    }
    const key = k.endsWith('Mu') ? `${k.slice(0, -2)}M2` : k;
    if (!(key in FIGURES))
      throw new Invalid(`figures.${k}: 未知指标 (unknown figure; known: ${Object.keys(FIGURES).join(', ')}, provincialApproval)`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new Invalid(`figures.${k}: 须为非负数 (must be a number ≥ 0), got ${JSON.stringify(v)}`);
    out[key] = k.endsWith('Mu') ? muToM2(v) : v;
  }
  return out;
}

async function layerRefInput(q: Queryable, v: unknown, name: string): Promise<{ layer: string; version: number } | null> {
  if (v === undefined || v === null) return null;
  const r = v as { layer?: unknown; version?: unknown };
  if (typeof r.layer !== 'string' || !Number.isInteger(r.version))
    throw new Invalid(`${name} 须为 { layer, version } (a layer code and version)`);
  await resolveVersion(q, r.layer, { version: r.version as number });
  return { layer: r.layer, version: r.version as number };
}

export interface ProjectInput {
  code: string;
  name: string;
  district: string;
  pilot?: boolean;
  startYear: number;
  status?: string;
  figures?: Record<string, unknown>;
  before?: { layer: string; version: number } | null;
  after?: { layer: string; version: number } | null;
  areas: { kind: 'project' | 'consolidation'; name?: string; geometry: unknown }[];
}

export async function createProject(db: Db, input: ProjectInput, user: string) {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(input.code ?? ''))
    throw new Invalid(`code 须为 1–40 位字母、数字、- 或 _ (project code), got ${JSON.stringify(input.code)}`);
  if (!input.name?.trim()) throw new Invalid('name 必填 (project name required)');
  if (!/^\d{6}$/.test(input.district ?? '')) throw new Invalid(`district 须为 6 位行政区代码, got ${JSON.stringify(input.district)}`);
  if (!Number.isInteger(input.startYear) || input.startYear < 2000 || input.startYear > 2100)
    throw new Invalid(`startYear 须为年份, got ${JSON.stringify(input.startYear)}`);
  if (input.status !== undefined && !STATUSES.includes(input.status)) throw new Invalid(`status 须为 ${STATUSES.join('、')} 之一`);
  if (!Array.isArray(input.areas) || !input.areas.some((a) => a.kind === 'project'))
    throw new Invalid('areas 至少包含一个项目区 (kind "project") (at least one project area required)');
  const figures = normaliseFigures(input.figures);
  return db.transaction(async (tx) => {
    if (await repo.codeTaken(tx, input.code)) throw new Conflict(`项目编号 ${input.code} 已存在 (project code already exists)`);
    const before = await layerRefInput(tx, input.before, 'before');
    const after = await layerRefInput(tx, input.after, 'after');
    const id = await repo.insertProject(
      tx,
      {
        code: input.code,
        name: input.name.trim(),
        district: input.district,
        pilot: !!input.pilot,
        start_year: input.startYear,
        status: (input.status ?? 'planned') as repo.ProjectRow['status'],
        figures,
        before_ref: before,
        after_ref: after,
      },
      user,
    );
    for (const [i, a] of input.areas.entries()) {
      if (a.kind !== 'project' && a.kind !== 'consolidation')
        throw new Invalid(`areas[${i}].kind 须为 project（项目区）或 consolidation（整治区）`);
      let r;
      try {
        r = await repo.insertArea(tx, id, {
          kind: a.kind,
          name: a.name?.trim() || `${a.kind === 'project' ? '项目区' : '整治区'}${i + 1}`,
          geojson: JSON.stringify(a.geometry),
        });
      } catch (e) {
        throw new Invalid(`areas[${i}].geometry 不是有效的 GeoJSON 几何: ${(e as Error).message}`);
      }
      if (r.problem) throw new Invalid(`areas[${i}].geometry: ${r.problem}`, { code: 'invalid_geometry' });
    }
    const p = (await repo.getProject(tx, id))!;
    await appendAudit(tx, {
      actor: user,
      action: 'farmland.project.create',
      entity: 'farmland_project',
      entityId: id,
      after: {
        code: p.code,
        name: p.name,
        district: p.district,
        pilot: p.pilot,
        figures,
        projectM2: p.project_m2,
        consolidationM2: p.consolidation_m2,
      },
    });
    return projectView(p);
  });
}

export interface ProjectUpdate {
  name?: string;
  status?: string;
  pilot?: boolean;
  figures?: Record<string, unknown>;
  before?: { layer: string; version: number } | null;
  after?: { layer: string; version: number } | null;
}

export async function updateProject(db: Db, id: number, input: ProjectUpdate, user: string) {
  if (input.status !== undefined && !STATUSES.includes(input.status)) throw new Invalid(`status 须为 ${STATUSES.join('、')} 之一`);
  return db.transaction(async (tx) => {
    const before = await loadProject(tx, id);
    const figures = input.figures === undefined ? undefined : { ...before.figures, ...normaliseFigures(input.figures) };
    const refs = {
      ...(input.before !== undefined ? { before_ref: await layerRefInput(tx, input.before, 'before') } : {}),
      ...(input.after !== undefined ? { after_ref: await layerRefInput(tx, input.after, 'after') } : {}),
    };
    await repo.updateProject(tx, id, {
      name: input.name?.trim() || undefined,
      status: input.status as repo.ProjectRow['status'] | undefined,
      pilot: input.pilot,
      figures,
      ...refs,
    });
    const after = await loadProject(tx, id);
    const view = (p: repo.ProjectRow) => ({
      name: p.name,
      status: p.status,
      pilot: p.pilot,
      figures: p.figures,
      before: p.before_ref,
      after: p.after_ref,
    });
    await appendAudit(tx, {
      actor: user,
      action: 'farmland.project.update',
      entity: 'farmland_project',
      entityId: id,
      before: view(before),
      after: view(after),
    });
    return projectView(after);
  });
}

async function loadProject(q: Queryable, id: number): Promise<repo.ProjectRow> {
  const p = await repo.getProject(q, id);
  if (!p) throw new NotFound(`整治项目 ${id} 不存在 (consolidation project ${id} does not exist)`);
  return p;
}

export function projectView(p: repo.ProjectRow) {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    district: p.district,
    pilot: p.pilot,
    startYear: p.start_year,
    status: p.status,
    figures: p.figures,
    before: p.before_ref,
    after: p.after_ref,
    projectAreaM2: p.project_m2,
    projectAreaMu: m2ToMu(p.project_m2),
    consolidationAreaM2: p.consolidation_m2,
    consolidationAreaMu: m2ToMu(p.consolidation_m2),
  };
}

export async function getProjectDetail(q: Queryable, id: number) {
  const p = await loadProject(q, id);
  return { ...projectView(p), areas: await repo.areas(q, id), checks: await repo.checks(q, id) };
}

/** The figures the rules read: spatial ones measured now, the rest as declared. */
export async function projectFacts(
  q: Queryable,
  p: repo.ProjectRow,
): Promise<{ facts: ConsolidationFacts; sources: Record<string, 'computed' | 'declared'> }> {
  const f = p.figures;
  const facts: ConsolidationFacts = { ...f };
  const sources: Record<string, 'computed' | 'declared'> = Object.fromEntries(Object.keys(f).map((k) => [k, 'declared']));
  const project = await repo.areaUnion(q, p.id, 'project');
  const zone = (await repo.areaUnion(q, p.id, 'consolidation')) ?? project;
  const y = await getLayer(q, 'YJJBNT');
  if (project && y.active_version !== null) {
    const v = y.active_version;
    facts.projectYjjbntM2 = (await withFallback((grid) => repo.areaWithin(q, project.ewkb, y.id, v, false, grid))).value;
    sources.projectYjjbntM2 = 'computed';
  }
  if (zone && p.before_ref) {
    const b = await resolveVersion(q, p.before_ref.layer, { version: p.before_ref.version });
    const before = (await withFallback((grid) => repo.areaWithin(q, zone.ewkb, b.layerId, b.version, true, grid))).value;
    facts.originalCultivatedM2 = before;
    sources.originalCultivatedM2 = 'computed';
    if (p.after_ref) {
      const a = await resolveVersion(q, p.after_ref.layer, { version: p.after_ref.version });
      facts.newCultivatedM2 = Math.max(
        0,
        (await withFallback((grid) => repo.areaWithin(q, zone.ewkb, a.layerId, a.version, true, grid))).value - before,
      );
      sources.newCultivatedM2 = 'computed';
    }
  }
  if (facts.netNewYjjbntM2 === undefined && typeof f.addedYjjbntM2 === 'number' && typeof f.adjustedYjjbntM2 === 'number') {
    facts.netNewYjjbntM2 = f.addedYjjbntM2 - f.adjustedYjjbntM2;
    sources.netNewYjjbntM2 = 'computed';
  }
  facts.provincialApproval = f.provincialApproval === true;
  return { facts, sources };
}

// ---- the rule loop ---------------------------------------------------------------------------
type Area = NonNullable<Awaited<ReturnType<typeof repo.areaUnion>>>;
const subjectOf = (a: Area): Subject => ({ ewkb: a.ewkb, areaM2: a.area_m2, planarM2: a.planar_m2, planarSrid: a.srid });

/**
 * The consolidation rule set over a project, through the review engine's rule evaluator (decision
 * 0007 §6): consolidation-coverage rules on the consolidation zone (整治区), every other rule on the
 * project area; a rule whose layer has no data, or a kind not registered, gives no-data.
 */
async function evaluate(
  db: Queryable,
  def: RuleSetDef,
  areas: { project: Area; zone: Area },
  facts: ConsolidationFacts,
): Promise<Finding[]> {
  const type = def.projectTypes[0];
  const project = subjectOf(areas.project);
  const zone = subjectOf(areas.zone);
  const { findings } = await evaluateRules(db, {
    rules: def.rules.filter((r) => !r.appliesTo || r.appliesTo.includes(type.code)),
    subject: project,
    subjectFor: (r) => (r.kind === 'consolidation-coverage' ? zone : project),
    project: { type: type.code, typeName: type.name, indicators: {} },
    tolerance: def.tolerance,
    facts,
  });
  return findings;
}

/** Runs the consolidation rule set on a project and stores the result. */
export async function checkProject(db: Db, clock: Clock, id: number, user: string) {
  await ensureConsolidationRuleSet(db);
  const p = await loadProject(db, id);
  const rs = await currentRuleSet(db, RULESET);
  const def = rs.definition;
  const { facts, sources } = await projectFacts(db, p);
  const project = await repo.areaUnion(db, p.id, 'project');
  if (!project) throw new Conflict(`整治项目 ${p.code} 没有项目区范围 (the project has no project area)`);
  const zone = (await repo.areaUnion(db, p.id, 'consolidation')) ?? project;
  const findings = await evaluate(db, def, { project, zone }, facts);
  const verdict = overallVerdict(findings);
  const checkedOn = clock.today();
  return db.transaction(async (tx) => {
    const checkId = await repo.insertCheck(
      tx,
      { projectId: id, ruleset: rs.name, version: rs.version, facts: { ...facts, sources }, findings, verdict, checkedOn },
      user,
    );
    await appendAudit(tx, {
      actor: user,
      action: 'farmland.project.check',
      entity: 'farmland_project',
      entityId: id,
      after: {
        checkId,
        ruleset: `${rs.name}@${rs.version}`,
        verdict,
        findings: findings.map((f) => ({ ruleId: f.ruleId, verdict: f.verdict })),
      },
    });
    return {
      checkId,
      projectId: id,
      code: p.code,
      ruleset: { name: rs.name, version: rs.version },
      checkedOn,
      verdict,
      facts,
      sources,
      findings,
    };
  });
}

export async function listProjects(q: Queryable, districts: string[] | null) {
  return (await repo.listProjects(q, districts)).map((p) => ({
    ...projectView(p),
    lastVerdict: p.last_verdict,
    lastCheckId: p.last_check_id,
  }));
}

const newCultivated = (p: { figures: Record<string, unknown>; last_facts: Record<string, unknown> | null }) => {
  const v = p.last_facts?.newCultivatedM2 ?? p.figures.newCultivatedM2;
  return typeof v === 'number' ? v : 0;
};

/** Progress against the city's 2027 targets (seed 004 一（一）; rows ZZXM/ZZSD/ZZMJ/XZGD of farmland_target). */
export async function progress(q: Queryable, year = 2027) {
  const projects = await repo.listProjects(q, null);
  const targets = (await farm.targets(q)).filter(
    (t) => t.region === '3301' && t.year === year && ['ZZXM', 'ZZSD', 'ZZMJ', 'XZGD'].includes(t.code),
  );
  const actual: Record<string, number> = {
    ZZXM: projects.length,
    ZZSD: projects.filter((p) => p.pilot).length,
    ZZMJ: m2ToMu(projects.reduce((s, p) => s + p.project_m2, 0)) / 10000,
    XZGD: m2ToMu(projects.reduce((s, p) => s + newCultivated(p), 0)) / 10000,
  };
  return {
    year,
    items: targets.map((t) => ({
      code: t.code,
      name: t.name_zh,
      unit: t.unit,
      target: t.value,
      actual: actual[t.code],
      percentOfTarget: t.value > 0 ? (actual[t.code] / t.value) * 100 : null,
      met: actual[t.code] >= t.value,
      source: t.source,
    })),
  };
}

/**
 * Yearly performance evaluation by district (市级土地综合整治工作年度绩效评估, seed 004 四（十六）).
 * The seed names the evaluation, not its formula; the score here is the bureau's working default:
 * the share of the district's projects started by that year whose latest check passes (a warning
 * counts half), with projects, pilots, areas and new cultivated land beside it.
 */
export async function evaluation(q: Queryable, year: number, districts: string[] | null) {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new Invalid(`year 须为年份, got ${year}`);
  const projects = (await repo.listProjects(q, districts)).filter((p) => p.start_year <= year);
  const by = new Map<string, typeof projects>();
  for (const p of projects) (by.get(p.district) ?? by.set(p.district, []).get(p.district)!).push(p);
  return {
    year,
    method:
      '得分 = 截至当年已开工项目中最近一次核验通过的比例（警告计一半），百分制；《杭州市人民政府办公厅关于高质量开展跨乡镇土地综合整治试点的实施意见》（杭政办函〔2023〕21号）四（十六）只规定开展年度绩效评估，未给出公式',
    districts: [...by]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([district, ps]) => {
        const checked = ps.filter((p) => p.last_verdict);
        const pass = checked.filter((p) => p.last_verdict === 'pass').length;
        const warn = checked.filter((p) => p.last_verdict === 'warn').length;
        return {
          district,
          projects: ps.length,
          pilots: ps.filter((p) => p.pilot).length,
          startedThisYear: ps.filter((p) => p.start_year === year).length,
          projectAreaMu: m2ToMu(ps.reduce((s, p) => s + p.project_m2, 0)),
          newCultivatedMu: m2ToMu(ps.reduce((s, p) => s + newCultivated(p), 0)),
          checked: checked.length,
          pass,
          warn,
          fail: checked.filter((p) => p.last_verdict === 'fail').length,
          score: checked.length ? Math.round(((pass + warn / 2) / checked.length) * 1000) / 10 : null,
        };
      }),
  };
}
