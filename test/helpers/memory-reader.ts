// A SourceReader over features built in the test, so store tests do not depend on file formats.
import type { SourceReader, SourceFeature, SourceInfo } from '../../src/importers/types.ts';
import { geometryToWkb, type Geometry } from '../../src/util/wkb.ts';

export function memoryReader(
  features: { fid: string; geometry: Geometry | null; props?: Record<string, unknown> }[],
  info: Partial<SourceInfo> = {},
): SourceReader {
  const list: SourceFeature[] = features.map((f, i) => ({
    fid: f.fid,
    wkb: f.geometry ? geometryToWkb(f.geometry) : null,
    props: f.props ?? {},
    location: `feature ${i + 1}`,
  }));
  return {
    info: { path: 'memory.geojson', format: 'geojson', ...info },
    async *features() {
      yield* list;
    },
    bytesRead: () => 0,
    close: async () => {},
  };
}

/** Axis-aligned square (or rectangle) ring, counter-clockwise, as GeoJSON coordinates. */
export function rect(x0: number, y0: number, w: number, h = w): number[][] {
  return [
    [x0, y0],
    [x0 + w, y0],
    [x0 + w, y0 + h],
    [x0, y0 + h],
    [x0, y0],
  ];
}
