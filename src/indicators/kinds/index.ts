// Computation kinds, registered by name: an indicator definition (JSON) names its kind and
// parameters. Adding a kind is one file in this folder plus one entry below; adding or retuning an
// indicator over an existing kind needs no code at all (PUT /api/indicators/definitions/:code).
import type { IndicatorKind } from '../types.ts';
import { lifecycleLedger } from './lifecycle-ledger.ts';
import { layerArea } from './layer-area.ts';
import { areaPerStatistic } from './area-per-statistic.ts';
import { declineRate } from './decline-rate.ts';
import { taoheKind } from './taohe.ts';
import { accessCoverage } from './access-coverage.ts';
import { statisticKind } from './statistic.ts';

const KINDS: Readonly<Record<string, IndicatorKind>> = Object.freeze(
  Object.fromEntries(
    [lifecycleLedger, layerArea, areaPerStatistic, declineRate, taoheKind, accessCoverage, statisticKind].map((k) => [k.name, k]),
  ),
);

export const indicatorKind = (name: unknown): IndicatorKind | undefined =>
  typeof name === 'string' && Object.hasOwn(KINDS, name) ? KINDS[name] : undefined;
export const indicatorKinds = (): IndicatorKind[] => Object.values(KINDS);
