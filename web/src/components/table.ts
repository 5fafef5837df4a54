// The columns of a DataTable, written as one line of words instead of a <th> and a <td> each:
// `cols('lifecycle.f', 'landCode:code name district:nowrap area=areaM2:area suppliedOn:date')`.
// A word is `key[=field][:kind][.class…][#class…]`, optionally followed by `@label`:
// - key: the column's name — its header is t(`${prefix}.${key}`) and a slot of that name, when the
//   page gives one, draws the cell;
// - field: the row's property shown (the key when left out);
// - kind: how the value reads (CELL_KINDS below); text by default, '—' when empty;
// - .class: classes of the cells besides the kind's; #class: of the header and the cells (a whole
//   column's, e.g. `opt`, hidden when the page is narrow);
// - label: the header's message key instead, whole when it has a dot ('farmland.accounts.district'),
//   else under the prefix; `@` alone leaves the header empty.

/** text: the value or '—'; nowrap: the same on one line; date: date() on one line; time: dateTime(); num/num2: num() with 0/2
 * decimals, right-aligned; area: AreaCell, right-aligned; code: monospace; right: a slot's cell
 * right-aligned on one line. */
export const CELL_KINDS = ['text', 'nowrap', 'date', 'time', 'num', 'num2', 'area', 'code', 'right'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export interface Column {
  key: string;
  field: string;
  kind: CellKind;
  /** The header's message key ('' = no header text). */
  label: string;
  /** Classes of the cells besides the kind's. */
  cls?: string;
  /** Classes of the header and the cells. */
  whole?: string;
}

const RIGHT: ReadonlySet<CellKind> = new Set(['num', 'num2', 'area', 'right']);

/** The header's class of a column of this kind. */
export const headClass = (kind: CellKind): string | undefined => (RIGHT.has(kind) ? 'num' : undefined);

/** The cells' class of a column of this kind. */
export function cellClass(kind: CellKind): string | undefined {
  if (kind === 'right') return 'num ui-nowrap';
  if (RIGHT.has(kind)) return 'num';
  if (kind === 'date' || kind === 'nowrap') return 'ui-nowrap';
  return kind === 'code' ? 'ui-mono' : undefined;
}

export function cols(prefix: string, spec: string): Column[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((word) => {
      const [def, label] = word.split('@');
      const [names, kindCls = 'text'] = def.split(':');
      const [kindCells, ...whole] = kindCls.split('#');
      const [kind, ...classes] = kindCells.split('.');
      const [key, field = key] = names.split('=');
      if (!(CELL_KINDS as readonly string[]).includes(kind)) throw new Error(`DataTable: no cell kind "${kind}" (${word})`);
      const l = label === undefined ? `${prefix}.${key}` : label === '' || label.includes('.') ? label : `${prefix}.${label}`;
      return { key, field, kind: kind as CellKind, label: l, cls: classes.join(' ') || undefined, whole: whole.join(' ') || undefined };
    });
}

/** The props of a DataTable that stay the same from render to render, defined once in the page's script
 * beside its columns and bound with `<DataTable v-bind="TABLE" :rows="rows">`: the columns, the area's
 * table class (`kind`), a row's key (a field's name or a function), the table's data-test and the
 * prefix of each row's (`lifecycle-idle-row-` → `lifecycle-idle-row-12`, the row's key after it). */
export const tableDef = <const K>(columns: Column[], kind: string, rowKey: K, test?: string, rowTest?: string) => ({
  columns,
  kind,
  rowKey,
  test,
  rowTest,
});
