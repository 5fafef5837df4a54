// Rule sets are data (JSON), versioned in review_ruleset: an administrator edits them through the
// API and every edit is a new version; each review run cites the version it used.
import { readFileSync } from 'node:fs';
import type { Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { Invalid, NotFound } from '../errors.ts';
import * as repo from './ruleset.repository.ts';
import { ruleKind, ruleKindNames } from './rules/registry.ts';

export type { RuleDef, Tolerance, RuleSetDef, RuleSetVersion } from './types.ts';
import type { RuleSetDef, RuleSetVersion } from './types.ts';

export const DEFAULT_RULESET: RuleSetDef = JSON.parse(readFileSync(new URL('./rules/default-ruleset.json', import.meta.url), 'utf8'));

/** Every problem of a rule-set definition, so the editor can show them all at once. */
export function validateRuleSet(def: unknown): string[] {
  const problems: string[] = [];
  const d = def as Partial<RuleSetDef>;
  if (!d || typeof d !== 'object') return ['rule set must be a JSON object'];
  if (typeof d.name !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(d.name)) problems.push('name: 1–40 letters, digits, - or _');
  const t = d.tolerance;
  if (!t || typeof t.areaM2 !== 'number' || t.areaM2 < 0 || typeof t.percent !== 'number' || t.percent < 0 || t.percent >= 100) {
    problems.push('tolerance: { areaM2 ≥ 0, percent in [0, 100) } required');
  }
  if (!Array.isArray(d.projectTypes) || d.projectTypes.length === 0) problems.push('projectTypes: at least one { code, name }');
  const types = new Set((d.projectTypes ?? []).map((p) => p?.code));
  if (!Array.isArray(d.rules)) return [...problems, 'rules: array required'];
  const ids = new Set<string>();
  d.rules.forEach((r, i) => {
    const at = `rules[${i}]${r && typeof r.id === 'string' ? ` (${r.id})` : ''}`;
    if (!r || typeof r !== 'object') return problems.push(`${at}: must be an object`);
    if (typeof r.id !== 'string' || !r.id) problems.push(`${at}: id required`);
    else if (ids.has(r.id)) problems.push(`${at}: duplicate id`);
    else ids.add(r.id);
    if (typeof r.layer !== 'string' || !r.layer) problems.push(`${at}: layer code required`);
    if (typeof r.title !== 'string' || !r.title) problems.push(`${at}: title required`);
    if (r.verdict !== 'fail' && r.verdict !== 'warn') problems.push(`${at}: verdict must be "fail" or "warn"`);
    for (const a of r.appliesTo ?? []) if (!types.has(a)) problems.push(`${at}: appliesTo names unknown project type "${a}"`);
    const kind = ruleKind(r.kind);
    if (!kind) problems.push(`${at}: unknown kind "${r.kind}" (known: ${ruleKindNames().join(', ')})`);
    else for (const p of kind.validate(r, types)) problems.push(`${at}: ${p}`);
  });
  return problems;
}

const toVersion = (r: repo.RuleSetRow): RuleSetVersion => ({
  name: r.name,
  version: r.version,
  definition: r.definition,
  createdAt: new Date(r.created_at).toISOString(),
  createdBy: r.created_by,
  note: r.note,
});

/** Installs the shipped default rule set as version 1 when there is none yet. */
export async function ensureDefaultRuleSet(q: Queryable): Promise<void> {
  if (await repo.exists(q, DEFAULT_RULESET.name)) return;
  await repo.insertFirst(q, DEFAULT_RULESET, 'system', '随系统发布的默认规则（“3+X”审查：三条控制线加各类专项管控）');
}

export async function currentRuleSet(q: Queryable, name = 'default'): Promise<RuleSetVersion> {
  if (name === DEFAULT_RULESET.name) await ensureDefaultRuleSet(q);
  const r = await repo.latest(q, name);
  if (!r) throw new NotFound(`规则集 "${name}" 不存在 (rule set "${name}" does not exist)`);
  return toVersion(r);
}

export async function ruleSetVersion(q: Queryable, name: string, version: number): Promise<RuleSetVersion> {
  const r = await repo.version(q, name, version);
  if (!r) throw new NotFound(`规则集 "${name}" 没有第 ${version} 版 (rule set "${name}" has no version ${version})`);
  return toVersion(r);
}

export async function listRuleSets(q: Queryable) {
  await ensureDefaultRuleSet(q);
  return (await repo.listLatest(q)).map((x) => ({
    name: x.name,
    version: x.version,
    versions: x.versions,
    createdAt: new Date(x.created_at).toISOString(),
    createdBy: x.created_by,
  }));
}

export async function listRuleSetVersions(q: Queryable, name: string) {
  return (await repo.listVersions(q, name)).map((x) => ({
    version: x.version,
    createdAt: new Date(x.created_at).toISOString(),
    createdBy: x.created_by,
    note: x.note,
  }));
}

/** The members a rule set has (rules keep their free params); anything else sent along is dropped. */
function normalised(d: RuleSetDef): RuleSetDef {
  const t = d.tolerance;
  return {
    name: d.name,
    ...(typeof d.title === 'string' ? { title: d.title } : {}),
    tolerance: { areaM2: t.areaM2, percent: t.percent, ...(typeof t.basis === 'string' ? { basis: t.basis } : {}) },
    projectTypes: d.projectTypes.map((p) => ({ code: String(p.code), name: String(p.name) })),
    rules: d.rules,
  };
}

/** Saves a new version of a rule set (validated), with an audit entry; returns it. */
export async function saveRuleSet(q: Queryable, def: unknown, user: string, note?: string): Promise<RuleSetVersion> {
  const problems = validateRuleSet(def);
  if (problems.length)
    throw new Invalid(`规则集校验未通过 (rule set rejected): ${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}`, {
      code: 'ruleset_invalid',
      problems,
    });
  const d = normalised(def as RuleSetDef);
  if (d.name === DEFAULT_RULESET.name) await ensureDefaultRuleSet(q);
  const prev = await repo.latest(q, d.name);
  const version = (prev?.version ?? 0) + 1;
  const r = await repo.insert(q, d, version, user, note ?? null);
  await appendAudit(q, {
    actor: user,
    action: 'ruleset.save',
    entity: 'ruleset',
    entityId: `${d.name}`,
    before: prev ? { version: prev.version, definition: prev.definition } : null,
    after: { version, definition: d, note: note ?? null },
  });
  return toVersion(r);
}
