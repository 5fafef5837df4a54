// What the viewer's legend (and the exported PNG's) lists: the shown layers — a thematic map
// first, plain layers together, land-use layers with their classes — or, while two versions are
// compared, what the change colours mean.
import { t } from '../../i18n/index.ts';
import { num } from '../../format.ts';
import type { LegendSection } from '../../components/types.ts';
import { kindOf, type Thematic } from './layers.ts';
import { layerName, type ThematicAnswer, type ViewerLayer } from './viewer-api.ts';

/** Colours of the compare view's changes (CompareView.vue draws with the same). */
export const CHANGE_COLORS = { added: '#2f9e44', removed: '#e03131', changed: '#f08c00' } as const;

export interface LegendInput {
  layers: ViewerLayer[];
  visible: (code: string) => boolean;
  thematic: { code: string; answer: ThematicAnswer; th: Thematic } | null;
  /** The layer being compared, when the compare view is open. */
  comparing: string | null;
}

export function legendSections(o: LegendInput): LegendSection[] {
  if (o.comparing) {
    const l = o.layers.find((x) => x.code === o.comparing);
    const diff: LegendSection = {
      title: t('viewer.compare.title'),
      subtitle: l && layerName(l),
      items: (['added', 'removed', 'changed'] as const).map((k) => ({
        label: t(`viewer.compare.${k}`),
        color: CHANGE_COLORS[k],
        kind: 'fill' as const,
      })),
    };
    if (!l) return [diff];
    return [
      diff,
      l.style.categories
        ? categorySection(l)
        : { title: layerName(l), items: [{ label: layerName(l), color: l.style.color, kind: kindOf(l) }] },
    ];
  }
  const simple: LegendSection = { title: t('viewer.legendLayers'), items: [] };
  const own: LegendSection[] = [];
  for (const l of o.layers) {
    if (!o.visible(l.code)) continue;
    const th = o.thematic?.code === l.code ? o.thematic : null;
    if (th) own.push(thematicSection(l, th.answer, th.th));
    else if (l.style.categories) own.push(categorySection(l));
    else simple.items.push({ label: layerName(l), color: l.style.color, kind: kindOf(l) });
  }
  // A thematic map first: it is what the user just asked to see.
  return [...own.filter((s) => s.thematic), ...(simple.items.length ? [simple] : []), ...own.filter((s) => !s.thematic)];
}

function thematicSection(l: ViewerLayer, a: ThematicAnswer, th: Thematic): LegendSection {
  const count = (n: number) => t('viewer.count', { n: num(n) });
  return {
    thematic: true,
    title: t('viewer.thematic.legend', { layer: layerName(l), field: a.label }),
    items:
      a.method === 'categories'
        ? (th.values ?? []).map(([v, c]) => ({
            label: v,
            color: c,
            kind: 'fill' as const,
            note: count(a.classes.find((x) => x.value === v)?.count ?? 0),
          }))
        : a.classes.map((c, i) => ({
            label: `${num(c.from, 2)} – ${num(c.to, 2)}`,
            color: th.colors[i],
            kind: 'fill' as const,
            note: count(c.count),
          })),
  };
}

/** A land-use layer's classes, in code order (keys like "10" would otherwise come before "01"). */
function categorySection(l: ViewerLayer): LegendSection {
  const cat = l.style.categories!;
  const keys = Object.keys(cat.colors).sort();
  return {
    title: layerName(l),
    items: keys.map((k) => ({ label: `${k} ${cat.labels?.[k] ?? ''}`.trim(), color: cat.colors[k], kind: 'fill' as const })),
  };
}
