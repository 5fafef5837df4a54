// Generated features → a SourceReader, so the demo city goes through the same validating import
// pipeline as any file (src/importers/pipeline.ts).
import type { SourceFeature, SourceReader } from '../importers/types.ts';
import { geometryToWkb, type Geometry } from '../util/wkb.ts';
import type { Queryable } from '../db/index.ts';
import type { Ring } from './geo.ts';

export interface DemoFeature {
  fid: string;
  /** Either a geometry built in JS or WKB that PostGIS produced (unions, buffers). */
  geometry?: Geometry;
  wkb?: Buffer;
  props: Record<string, unknown>;
}

export type FeatureSource = Iterable<DemoFeature> | AsyncIterable<DemoFeature>;

export function demoReader(code: string, geometryType: string, source: () => FeatureSource): SourceReader {
  let n = 0;
  return {
    info: { path: `demo:${code}`, format: 'geojson', srid: 4490, sridSource: '演示数据：生成于 CGCS2000 (EPSG:4490)', geometryType },
    async *features(): AsyncIterable<SourceFeature> {
      for await (const f of source()) {
        n++;
        yield {
          fid: f.fid,
          wkb: f.wkb ?? (f.geometry ? geometryToWkb(f.geometry) : null),
          props: f.props,
          location: `generated feature ${n}`,
        };
      }
    },
    bytesRead: () => n,
    close: async () => {},
  };
}

export const polygon = (ring: Ring): Geometry => ({ type: 'Polygon', coordinates: [ring] });

/** Query results hold bytea as Buffer (pg) or Uint8Array (PGlite). */
export function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new Error(`expected binary WKB from the database, got ${typeof v}`);
}

/** COPY rows (already tab-separated lines) into a table in batches of a few MB. */
export class CopyBatch {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly tx: Queryable,
    private readonly table: string,
    private readonly columns: string[],
  ) {}

  async add(line: string): Promise<void> {
    this.parts.push(line);
    this.size += line.length;
    if (this.size > 4_000_000) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.parts.length) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.tx.copyText(this.table, this.columns, text);
  }
}

export const hexPolygon = (ring: Ring) => geometryToWkb(polygon(ring)).toString('hex');
