// The viewer's layer tree (LayerTree): the catalogue's layers grouped by class in the catalogue's
// order, each with its visibility and opacity, a badge when it has no data, covers only some
// districts or is restricted, and its details (code, version, features, legal basis, owner …).
import { t } from '../../i18n/index.ts';
import { date, num } from '../../format.ts';
import type { TreeGroup } from '../../components/types.ts';
import { kindOf } from './layers.ts';
import { className, layerName, type ViewerLayer } from './viewer-api.ts';

export type LayerState = Record<string, { visible: boolean; opacity: number }>;

export function layerTree(layers: ViewerLayer[], classOrder: string[], state: LayerState): TreeGroup[] {
  return classOrder
    .map((cls) => ({
      key: cls,
      label: className(cls),
      items: layers
        .filter((l) => l.class === cls)
        .map((l) => ({
          id: l.code,
          label: layerName(l),
          hint: l.code,
          color: l.style.color,
          kind: kindOf(l),
          visible: state[l.code]?.visible ?? false,
          opacity: state[l.code]?.opacity ?? 1,
          badge:
            l.version === null
              ? t('viewer.noData')
              : l.scope === 'districts'
                ? t('viewer.districtScope')
                : !l.public
                  ? t('viewer.restricted')
                  : undefined,
          disabled: l.version === null,
          details: [
            { label: t('viewer.meta.code'), value: l.code },
            {
              label: t('viewer.meta.version'),
              value: l.version === null ? '—' : t('viewer.meta.versionValue', { v: l.version, n: l.versions }),
            },
            { label: t('viewer.meta.features'), value: num(l.featureCount) },
            { label: t('viewer.meta.legal'), value: l.legalBasis ?? '—' },
            { label: t('viewer.meta.owner'), value: l.ownerDept ?? '—' },
            ...(l.dataDate ? [{ label: t('viewer.meta.date'), value: date(l.dataDate) }] : []),
            { label: t('viewer.meta.statutory'), value: l.statutory ? t('common.yes') : t('common.no') },
            { label: t('viewer.meta.scope'), value: l.scope === 'districts' ? t('viewer.meta.scopeDistricts') : t('viewer.meta.scopeAll') },
          ],
        })),
    }))
    .filter((g) => g.items.length > 0);
}
