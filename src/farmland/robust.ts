// GEOS can fail on nearly coincident boundaries: PostgreSQL raises a TopologyException, PostGIS on
// WASM (PGlite) silently drops the whole result (docs/decisions/0004). The repositories detect both
// (LostOverlay, see allRows in src/db/geos.repository.ts); withFallback then runs the overlay again in
// fixed precision — snap-rounding on a 1e-9° grid (≈ 0.1 mm, far below survey precision), robust
// but about three times slower, so only when needed. Callers must not be inside a transaction on
// PostgreSQL (an error aborts it): the overlays read, the writes come after.
import { LostOverlay } from '../db/geos.repository.ts';

export const RETRY_GRID = 1e-9;

export async function withFallback<T>(run: (grid: number | null) => Promise<T>): Promise<{ value: T; grid: number | null }> {
  try {
    return { value: await run(null), grid: null };
  } catch (e) {
    if (!(e instanceof LostOverlay)) throw e;
    return { value: await run(RETRY_GRID), grid: RETRY_GRID };
  }
}
