// Quality-check rule kinds, registered by name. A rule set (JSON) names the kind of each rule;
// adding a kind is one file here plus one line below.
import type { QcKind } from '../types.ts';
import { fields } from './fields.ts';
import { codeList } from './code-list.ts';
import { unique } from './unique.ts';
import { validity } from './validity.ts';
import { noOverlap } from './no-overlap.ts';
import { noGap } from './no-gap.ts';
import { within } from './within.ts';
import { declaredArea } from './declared-area.ts';
import { areaBalance } from './area-balance.ts';
import { summaryTable } from './summary-table.ts';

const KINDS: ReadonlyMap<string, QcKind> = new Map(
  [fields, codeList, unique, validity, noOverlap, noGap, within, declaredArea, areaBalance, summaryTable].map((k) => [k.name, k]),
);

export const qcKind = (name: unknown): QcKind | undefined => (typeof name === 'string' ? KINDS.get(name) : undefined);
export const qcKindNames = (): string[] => [...KINDS.keys()];
