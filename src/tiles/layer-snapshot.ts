// The catalogue as the tile server sees it: every layer with its active version, read in one
// query and reused for at most MAX_AGE_MS. A tile request answered from the tile cache therefore
// needs no database round trip, yet a new active version becomes visible:
//  - at once for imports in this process — the importer emits db.events.layerChanged after COMMIT
//    and tiles.service.ts calls invalidate();
//  - within MAX_AGE_MS for imports or rollbacks by another process writing to the same
//    PostgreSQL database (a second server, `onemap import` from a shell): the next request after
//    that re-reads the catalogue before answering.
// Re-reading the whole catalogue (a few dozen rows, well under a millisecond) rather than one
// layer at a time also covers changes to a layer's public flag and attribute schema, and keeps
// unknown codes from costing a query each.
import type { Queryable } from '../db/index.ts';
import { layersWithVersions, type TileLayer } from './tiles.repository.ts';

export const MAX_AGE_MS = 1000;

export class LayerSnapshot {
  private byCode = new Map<string, TileLayer>();
  private byIdMap = new Map<number, TileLayer>();
  private ordered: TileLayer[] = [];
  private loadedAt = -Infinity;
  private pending: Promise<void> | null = null;
  // Bumped by invalidate(): a refresh that started before a change was announced may have read
  // the old state, so it must not count as fresh.
  private generation = 0;

  constructor(
    private readonly db: Queryable,
    private readonly maxAgeMs = MAX_AGE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves once the snapshot is at most maxAgeMs old (one shared query when it is not). */
  fresh(): Promise<void> | null {
    if (this.now() - this.loadedAt <= this.maxAgeMs) return null;
    return (this.pending ??= this.refresh());
  }

  invalidate(): void {
    this.generation++;
    this.loadedAt = -Infinity;
  }

  /** Layer by code, case-insensitive like the catalogue's own lookup. */
  layer(code: string): TileLayer | undefined {
    return this.byCode.get(code.toUpperCase());
  }

  byId(id: number): TileLayer | undefined {
    return this.byIdMap.get(id);
  }

  all(): readonly TileLayer[] {
    return this.ordered;
  }

  private async refresh(): Promise<void> {
    const gen = this.generation;
    const startedAt = this.now();
    try {
      const rows = await layersWithVersions(this.db);
      this.ordered = rows;
      this.byCode = new Map(rows.map((l) => [l.code.toUpperCase(), l]));
      this.byIdMap = new Map(rows.map((l) => [l.id, l]));
      if (gen === this.generation) this.loadedAt = startedAt;
    } finally {
      this.pending = null;
    }
  }
}
