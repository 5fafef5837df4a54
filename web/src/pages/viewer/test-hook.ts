// What the viewer exposes on `window` for browser tests and the first-paint benchmark
// (test/web.viewer.test.ts, bench/web.ts): the map (queryRenderedFeatures, loaded tiles) and the
// moment of the first 'idle' after the default layers were added.
import type { Map as MlMap } from 'maplibre-gl';

declare global {
  interface Window {
    __onemap?: {
      map: MlMap;
      /** performance.now() at the first 'idle' with the default layers' tiles drawn; null before. */
      firstPaintMs: number | null;
      /** The two maps of the version compare while it is open. */
      compare: () => readonly [MlMap, MlMap] | null;
    };
  }
}

export {};
