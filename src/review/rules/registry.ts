// Rule kinds, registered by name. A rule set (JSON) names the kind of each rule; adding a kind is
// one file here plus one line below.
import type { RuleKind } from './context.ts';
import { forbiddenOverlap } from './forbidden-overlap.ts';
import { mustBeWithin } from './must-be-within.ts';
import { setback } from './setback.ts';
import { attributeCondition } from './attribute-condition.ts';
import { planIndicators } from './plan-indicators.ts';
import { airportClearance } from './airport-clearance.ts';
import { consolidationCoverage } from './consolidation-coverage.ts';
import { consolidationRatio } from './consolidation-ratio.ts';

const KINDS = new Map<string, RuleKind>();

export function registerRuleKind(kind: RuleKind): void {
  KINDS.set(kind.name, kind);
}

for (const k of [
  forbiddenOverlap,
  mustBeWithin,
  setback,
  attributeCondition,
  planIndicators,
  airportClearance,
  consolidationCoverage,
  consolidationRatio,
])
  registerRuleKind(k);

export const ruleKind = (name: unknown): RuleKind | undefined => (typeof name === 'string' ? KINDS.get(name) : undefined);
export const ruleKindNames = (): string[] => [...KINDS.keys()];
