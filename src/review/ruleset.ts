// Rule sets are data (JSON), versioned in review_ruleset: an administrator edits them through the
// API and every edit is a new version; each review run cites the version it used.
import { readFileSync } from 'node:fs';
import type { Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { ruleKind, ruleKindNames } from './rules/registry.ts';

export interface RuleDef {
  id: string;
  kind: string;
  layer: string;
  title: string;
  /** Verdict when the rule is broken (fail or warn). */
  verdict: 'fail' | 'warn';
  /** Project types the rule applies to; absent = every type. */
  appliesTo?: string[];
  legalBasis?: string;
  controls?: string;
  message?: string;
  [param: string]: unknown;
}

export interface Tolerance {
  /** Overlaps below this area (m², ellipsoidal) are digitising slivers. */
  areaM2: number;
  /** … or below this share of the project area (%). */
  percent: number;
  basis?: string;
}

export interface RuleSetDef {
  name: string;
  title?: string;
  tolerance: Tolerance;
  projectTypes: { code: string; name: string }[];
  rules: RuleDef[];
}

export interface RuleSetVersion {
  name: string;
  version: number;
  definition: RuleSetDef;
  createdAt: string;
  createdBy: string;
  note: string | null;
}

export class RuleSetError extends Error {
  statusCode = 400;
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'RuleSetError';
  }
}

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

interface RuleSetRow {
  name: string;
  version: number;
  definition: RuleSetDef;
  created_at: string;
  created_by: string;
  note: string | null;
}

const toVersion = (r: RuleSetRow): RuleSetVersion => ({
  name: r.name,
  version: r.version,
  definition: r.definition,
  createdAt: new Date(r.created_at).toISOString(),
  createdBy: r.created_by,
  note: r.note,
});

/** Installs the shipped default rule set as version 1 when there is none yet. */
export async function ensureDefaultRuleSet(q: Queryable): Promise<void> {
  const r = await q.query(`SELECT 1 FROM review_ruleset WHERE name = $1 LIMIT 1`, [DEFAULT_RULESET.name]);
  if (r.rowCount > 0) return;
  await q.query(
    `INSERT INTO review_ruleset (name, version, definition, created_by, note) VALUES ($1, 1, $2, 'system', $3)
                 ON CONFLICT DO NOTHING`,
    [DEFAULT_RULESET.name, JSON.stringify(DEFAULT_RULESET), '随系统发布的默认规则（domain.md §4）'],
  );
}

export async function currentRuleSet(q: Queryable, name = 'default'): Promise<RuleSetVersion> {
  if (name === DEFAULT_RULESET.name) await ensureDefaultRuleSet(q);
  const r = await q.query<RuleSetRow>(
    `SELECT name, version, definition, created_at::text, created_by, note FROM review_ruleset WHERE name = $1 ORDER BY version DESC LIMIT 1`,
    [name],
  );
  if (r.rowCount === 0) throw Object.assign(new RuleSetError(`rule set "${name}" does not exist (规则集不存在)`), { statusCode: 404 });
  return toVersion(r.rows[0]);
}

export async function ruleSetVersion(q: Queryable, name: string, version: number): Promise<RuleSetVersion> {
  const r = await q.query<RuleSetRow>(
    `SELECT name, version, definition, created_at::text, created_by, note FROM review_ruleset WHERE name = $1 AND version = $2`,
    [name, version],
  );
  if (r.rowCount === 0) throw Object.assign(new RuleSetError(`rule set "${name}" has no version ${version}`), { statusCode: 404 });
  return toVersion(r.rows[0]);
}

export async function listRuleSets(
  q: Queryable,
): Promise<{ name: string; version: number; versions: number; createdAt: string; createdBy: string }[]> {
  await ensureDefaultRuleSet(q);
  const r = await q.query<{ name: string; version: number; versions: number; created_at: string; created_by: string }>(
    `SELECT DISTINCT ON (name) name, version, count(*) OVER (PARTITION BY name)::int AS versions, created_at::text, created_by
       FROM review_ruleset ORDER BY name, version DESC`,
  );
  return r.rows.map((x) => ({
    name: x.name,
    version: x.version,
    versions: x.versions,
    createdAt: new Date(x.created_at).toISOString(),
    createdBy: x.created_by,
  }));
}

export async function listRuleSetVersions(q: Queryable, name: string) {
  const r = await q.query<Omit<RuleSetRow, 'definition'>>(
    `SELECT name, version, created_at::text, created_by, note FROM review_ruleset WHERE name = $1 ORDER BY version`,
    [name],
  );
  return r.rows.map((x) => ({
    version: x.version,
    createdAt: new Date(x.created_at).toISOString(),
    createdBy: x.created_by,
    note: x.note,
  }));
}

/** Saves a new version of a rule set (validated), with an audit entry; returns it. */
export async function saveRuleSet(q: Queryable, def: unknown, user: string, note?: string): Promise<RuleSetVersion> {
  const problems = validateRuleSet(def);
  if (problems.length)
    throw new RuleSetError(
      `rule set rejected (规则集校验未通过): ${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}`,
      problems,
    );
  const d = def as RuleSetDef;
  if (d.name === DEFAULT_RULESET.name) await ensureDefaultRuleSet(q);
  const prev = await q.query<RuleSetRow>(
    `SELECT name, version, definition, created_at::text, created_by, note FROM review_ruleset WHERE name = $1 ORDER BY version DESC LIMIT 1`,
    [d.name],
  );
  const version = (prev.rows[0]?.version ?? 0) + 1;
  const r = await q.query<RuleSetRow>(
    `INSERT INTO review_ruleset (name, version, definition, created_by, note) VALUES ($1, $2, $3, $4, $5)
     RETURNING name, version, definition, created_at::text, created_by, note`,
    [d.name, version, JSON.stringify(d), user, note ?? null],
  );
  await appendAudit(q, {
    actor: user,
    action: 'ruleset.save',
    entity: 'ruleset',
    entityId: `${d.name}`,
    before: prev.rows[0] ? { version: prev.rows[0].version, definition: prev.rows[0].definition } : null,
    after: { version, definition: d, note: note ?? null },
  });
  return toVersion(r.rows[0]);
}
