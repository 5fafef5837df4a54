// In-memory LRU of built tiles, bounded by bytes rather than entries: a low-zoom tile of a
// parcel layer is half a megabyte, a high-zoom one a few hundred bytes.
//
// Keys carry the layer id, its active version and the caller's scope (see tiles.service.ts), so
// a lookup with a newer version never finds an older tile; dropLayer() only frees the memory of
// versions that can no longer be asked for.

export interface CachedTile {
  /** The MVT bytes, gzip-compressed when `gzip` (empty for an empty tile). */
  body: Buffer;
  gzip: boolean;
  layerId: number;
  /** Built for a district scope: depends on the district layer (config.districts) too. */
  scoped: boolean;
}

// Map bookkeeping and the key string, roughly, per entry.
const ENTRY_OVERHEAD = 160;

export class TileCache {
  private readonly map = new Map<string, CachedTile>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }

  /** The entry, now the most recently used. */
  get(key: string): CachedTile | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    // A Map iterates in insertion order: re-inserting moves the key to the young end.
    this.map.delete(key);
    this.map.set(key, e);
    return e;
  }

  /** The entry, leaving its place in the LRU order alone. */
  peek(key: string): CachedTile | undefined {
    return this.map.get(key);
  }

  set(key: string, e: CachedTile): void {
    const cost = sizeOf(key, e);
    if (cost > this.maxBytes) return; // larger than the whole cache: serve it, do not keep it
    this.delete(key);
    this.map.set(key, e);
    this.used += cost;
    // Evict from the old end until it fits.
    for (const [k, old] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      this.used -= sizeOf(k, old);
    }
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.used -= sizeOf(key, e);
  }

  /** Drops every entry matching `pred` (a layer's new version: rare, so a full scan is fine). */
  dropWhere(pred: (e: CachedTile) => boolean): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (!pred(e)) continue;
      this.map.delete(k);
      this.used -= sizeOf(k, e);
      n++;
    }
    return n;
  }

  clear(): void {
    this.map.clear();
    this.used = 0;
  }
}

function sizeOf(key: string, e: CachedTile): number {
  return e.body.length + key.length * 2 + ENTRY_OVERHEAD;
}
