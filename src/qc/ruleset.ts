// The quality-check rule set and code lists, loaded as data (default-ruleset.json, codelists/*.json)
// and checked once against the registered kinds: a rule set that names an unknown kind or leaves
// out a parameter is refused when loaded, not half-run.
import { readFileSync } from 'node:fs';
import { Invalid } from '../errors.ts';
import { qcKind } from './kinds/index.ts';
import type { QcRuleDef, QcRuleSet } from './types.ts';

export interface CodeList {
  title: string;
  basis: string;
  codes: Set<string>;
}

const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));

const CODE_LIST_FILES = ['dlbm-sandiao', 'ydyh-2023', 'xzqdm-hangzhou'] as const;

export function loadCodeLists(): Map<string, CodeList> {
  return new Map(
    CODE_LIST_FILES.map((name) => {
      const j = readJson(`./codelists/${name}.json`) as { title: string; basis: string; codes: { code: string }[] };
      return [name, { title: `${j.basis}${j.title}`, basis: j.basis, codes: new Set(j.codes.map((c) => c.code)) }];
    }),
  );
}

/** Problems of a rule set: unknown kinds, missing parameters, duplicate ids, unknown code lists. */
export function validateRuleSet(rs: QcRuleSet, lists: Map<string, CodeList>): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [code, family] of Object.entries(rs.families ?? {})) {
    for (const rule of family.rules ?? []) {
      if (ids.has(rule.id)) problems.push(`${code}: rule id ${rule.id} occurs twice`);
      ids.add(rule.id);
      if (rule.severity !== 'blocking' && rule.severity !== 'warning') problems.push(`${rule.id}: severity must be blocking or warning`);
      const kind = qcKind(rule.kind);
      if (!kind) {
        problems.push(`${rule.id}: unknown kind "${rule.kind}"`);
        continue;
      }
      problems.push(...kind.validate(rule));
      if (rule.kind === 'code-list' && typeof rule.list === 'string' && !lists.has(rule.list))
        problems.push(`${rule.id}: unknown code list "${rule.list}"`);
    }
  }
  return problems;
}

export function loadDefaultRuleSet(lists: Map<string, CodeList>): QcRuleSet {
  const rs = readJson('./default-ruleset.json') as QcRuleSet;
  const problems = validateRuleSet(rs, lists);
  if (problems.length) throw new Invalid(`质检规则集 ${rs.name} 有误：${problems.join('；')}`, { code: 'qc_ruleset_invalid', problems });
  return rs;
}

/** The rules of a layer family, or null when the rule set has none for the layer. */
export function familyRules(rs: QcRuleSet, layer: string): { title: string; rules: QcRuleDef[] } | null {
  const key = Object.keys(rs.families).find((k) => k.toUpperCase() === layer.toUpperCase());
  return key ? rs.families[key] : null;
}
