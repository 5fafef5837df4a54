// Runs a layer family's rules over the subject table (qc.repository.ts: a staged file or a store
// version, already loaded) and assembles the report: exact counts per rule and severity, errors
// listed up to a limit per rule, each located in its district, skipped rules named.
import type { Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import { Invalid } from '../errors.ts';
import { districtsAt, layerRef } from './qc.repository.ts';
import { qcKind } from './kinds/index.ts';
import { familyRules, loadCodeLists, loadDefaultRuleSet } from './ruleset.ts';
import type { QcContext, QcError, QcReport, QcRuleSet, Severity } from './types.ts';
import type { SummaryTable } from './summary-table.ts';

/** Errors listed per rule; the counts stay exact beyond it. */
export const ERRORS_PER_RULE = 1000;

export interface QcSetup {
  ruleset: QcRuleSet;
  codeLists: ReturnType<typeof loadCodeLists>;
}

export function defaultQcSetup(): QcSetup {
  const codeLists = loadCodeLists();
  return { ruleset: loadDefaultRuleSet(codeLists), codeLists };
}

export function hasQcRules(setup: QcSetup, layer: string): boolean {
  return familyRules(setup.ruleset, layer) !== null;
}

/**
 * The report of layer `layer`'s rules over the subject table in transaction `q`. `only` keeps the
 * rules whose id it lists (tests and `onemap qc --rule`).
 */
export async function runRules(
  q: Queryable,
  config: Config,
  setup: QcSetup,
  args: {
    layer: string;
    layerName: string;
    source: QcReport['source'];
    featureCount: number;
    only?: string[];
    /** The package's summary table for 图数一致; without it that rule is skipped, and says so. */
    summary?: SummaryTable | null;
    /** Told each rule's wall-clock time (bench:qc); not part of the report, which stays reproducible. */
    onRule?: (rule: string, ms: number) => void;
  },
): Promise<QcReport> {
  const family = familyRules(setup.ruleset, args.layer);
  if (!family)
    throw new Invalid(
      `质检规则集中没有图层 ${args.layer} 的规则（现有：${Object.keys(setup.ruleset.families).join('、')}） (no quality-check rules for layer ${args.layer})`,
      { code: 'qc_no_rules' },
    );
  const ctx: QcContext = {
    q,
    layer: args.layer,
    limit: ERRORS_PER_RULE,
    summary: args.summary ?? null,
    async reference(code) {
      const r = await layerRef(q, code);
      return r && r.version !== null ? { id: r.id, version: r.version, name: r.name } : null;
    },
    codeList(name) {
      const l = setup.codeLists.get(name);
      if (!l) throw new Invalid(`质检规则引用了不存在的代码表 ${name}`, { code: 'qc_ruleset_invalid' });
      return l;
    },
  };
  const rules = args.only ? family.rules.filter((r) => args.only!.includes(r.id)) : family.rules;
  const report: QcReport = {
    layer: args.layer,
    layerName: args.layerName,
    source: args.source,
    ruleset: { name: setup.ruleset.name, title: setup.ruleset.title, standards: setup.ruleset.standards },
    featureCount: args.featureCount,
    rules: [],
    passed: true,
    counts: { byRule: {}, bySeverity: { blocking: 0, warning: 0 } },
    errors: [],
    skipped: [],
    summaryTable: args.summary ? { name: args.summary.name, unit: args.summary.unit, rows: args.summary.rows.length } : null,
    checkedAt: new Date().toISOString(),
  };
  for (const rule of rules) {
    const t0 = performance.now();
    const outcome = await qcKind(rule.kind)!.run(ctx, rule);
    args.onRule?.(rule.id, performance.now() - t0);
    report.rules.push({
      id: rule.id,
      title: rule.title,
      kind: rule.kind,
      severity: rule.severity,
      basis: rule.basis,
      errors: outcome.total,
      listed: outcome.errors.length,
    });
    if (outcome.skipped) report.skipped.push({ rule: rule.id, title: rule.title, severity: rule.severity, reason: outcome.skipped });
    // Fail closed: a listing longer than its count means the count is wrong.
    if (outcome.errors.length > outcome.total)
      throw new Error(`quality check ${rule.id}: ${outcome.errors.length} errors listed, ${outcome.total} counted`);
    if (outcome.total === 0) continue;
    report.counts.byRule[rule.id] = outcome.total;
    report.counts.bySeverity[rule.severity as Severity] += outcome.total;
    for (const e of outcome.errors)
      report.errors.push({ layer: args.layer, rule: rule.id, kind: rule.kind, severity: rule.severity, ...e });
  }
  report.passed = report.counts.bySeverity.blocking === 0;
  await locateDistricts(q, config, report.errors);
  return report;
}

async function locateDistricts(q: Queryable, config: Config, errors: QcError[]): Promise<void> {
  // An error whose rule set its district (图数一致: the table row's code) keeps it.
  const at = errors
    .map((e, i) => [i, e.district === undefined ? e.location : null] as const)
    .filter((x): x is readonly [number, [number, number]] => x[1] !== null);
  const found = await districtsAt(
    q,
    config.districts,
    at.map((x) => x[1]),
  );
  at.forEach(([i], k) => (errors[i].district = found.get(k) ?? null));
}

/** The blocking errors of a report in a few lines, for a refusal message. */
export function blockingSummary(r: QcReport): string {
  return r.rules
    .filter((x) => x.severity === 'blocking' && x.errors > 0)
    .map((x) => `${x.title}（${x.id}）${x.errors} 处`)
    .join('；');
}
