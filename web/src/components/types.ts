// Types of the shared components' props, importable from plain TypeScript.

/** A layer in LayerTree. */
export interface TreeItem {
  id: string;
  label: string;
  /** Small text after the label (e.g. the layer code). */
  hint?: string;
  color: string;
  kind: 'fill' | 'outline' | 'line' | 'circle';
  visible: boolean;
  /** 0–1. */
  opacity: number;
  /** A short tag (e.g. 内部 for a restricted layer). */
  badge?: string;
  disabled?: boolean;
  details?: { label: string; value: string }[];
}

export interface TreeGroup {
  key: string;
  label: string;
  items: TreeItem[];
}

/** An entry of MapLegend. */
export interface LegendItem {
  label: string;
  color: string;
  kind: 'fill' | 'outline' | 'line' | 'circle';
  /** Right-aligned figure, e.g. "12 个". */
  note?: string;
  /** The swatch's own border (CSS), e.g. a dashed outline over a light fill. */
  border?: string;
  /** A layer switch: the item gets a checkbox (MapLegend emits `toggle`). */
  checked?: boolean;
  /** data-test of the item. */
  test?: string;
}

export interface LegendSection {
  title: string;
  /** A thematic map's section (listed first). */
  thematic?: boolean;
  subtitle?: string;
  items: LegendItem[];
}
