// Layer → Shapefile. Fields come from the catalogue's attribute schema, plus any other attribute
// seen in the first rows (a shapefile's fields must be fixed before the first record).
import { basename, dirname, join } from 'node:path';
import type { LayerRow } from '../catalogue/catalogue.service.ts';
import type { ExportRow } from './export.repository.ts';
import { writeShapefile, inferFields, CGCS2000_PRJ } from './shapefile.ts';
import { EXPORT_ID_FIELD } from '../importers/types.ts';

const SHP_TYPES: Record<string, 'MultiPolygon' | 'MultiLineString' | 'MultiPoint'> = {
  Polygon: 'MultiPolygon',
  LineString: 'MultiLineString',
  Point: 'MultiPoint',
};

export async function exportShapefile(
  source: AsyncIterable<ExportRow>,
  layer: LayerRow,
  out: string,
  opts: { encoding?: 'UTF-8' | 'GBK'; onProgress?: (n: number) => void },
) {
  const base = out.replace(/\.shp$/i, '');
  const it = source[Symbol.asyncIterator]();
  const head: ExportRow[] = [];
  for (let i = 0; i < 1000; i++) {
    const n = await it.next();
    if (n.done) break;
    head.push(n.value);
  }
  const geometryType = SHP_TYPES[layer.geometry_type] ?? guessType(head);
  // The feature id goes in a text column of its own (ids up to 128 characters: INPUT_BOUNDS.idChars),
  // so importing the export again matches each feature by its id, not by its record number.
  const fields = [
    ...inferFields(
      head.map((r) => r.props),
      opts.encoding ?? 'UTF-8',
    ).filter((f) => f.name !== EXPORT_ID_FIELD),
    { name: EXPORT_ID_FIELD, type: 'C' as const, length: 254 },
  ];
  const w = await writeShapefile(base, { geometryType, fields, encoding: opts.encoding ?? 'UTF-8', prjWkt: CGCS2000_PRJ });
  let n = 0;
  const put = (r: ExportRow) => {
    w.write(Buffer.from(r.g as string, 'hex'), { ...r.props, [EXPORT_ID_FIELD]: r.fid });
    if (++n % 5000 === 0) opts.onProgress?.(n);
  };
  try {
    head.forEach(put);
    for (let r = await it.next(); !r.done; r = await it.next()) put(r.value);
  } finally {
    await w.close();
  }
  const stem = join(dirname(base), basename(base));
  return { featureCount: n, files: ['.shp', '.shx', '.dbf', '.prj', '.cpg'].map((e) => stem + e) };
}

function guessType(rows: ExportRow[]): 'MultiPolygon' | 'MultiLineString' | 'MultiPoint' {
  const t = rows[0] ? Buffer.from(rows[0].g as string, 'hex').readUInt32LE(1) % 1000 : 3;
  return t === 1 || t === 4 ? 'MultiPoint' : t === 2 || t === 5 ? 'MultiLineString' : 'MultiPolygon';
}
