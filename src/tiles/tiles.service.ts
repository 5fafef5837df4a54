// Vector tiles of the catalogue layers: who may read which layer (auth/layers.ts), which version
// a tile shows, the tile cache and its invalidation, compression.
//
// Identity of a tile. A tile is fully determined by (layer id, active version and when it was
// written, the caller's scope, z/x/y) plus TILE_REVISION, the shape of the tile statement. The
// cache key and the ETag are both that string, computed from the in-memory catalogue snapshot,
// so a warm hit and an If-None-Match → 304 cost no database round trip. A new active version
// changes the key, so an old tile can never be served for it; see layer-snapshot.ts for how soon
// a new version is seen (at once in this process, within ~1 s from another one).
import { createHash } from 'node:crypto';
import { gzip, gzipSync, gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { readerFor, type Db, type Queryable } from '../db/index.ts';
import { DEFAULT_DISTRICT_LAYER, type DistrictLayer } from '../config.ts';
import { UnknownLayerError } from '../catalogue/catalogue.service.ts';
import { scopeOf, type LayerScope } from '../auth/layers.ts';
import type { User } from '../auth/types.ts';
import type { LayerChange } from '../db/events.ts';
import { LayerSnapshot, MAX_AGE_MS } from './layer-snapshot.ts';
import { TileCache, type CachedTile } from './tile-cache.ts';
import {
  buildTile,
  tileEncoder,
  tileParams,
  tileSql,
  versionExtent,
  versionStamp,
  type TileEncoder,
  type TileLayer,
  type VersionExtent,
} from './tiles.repository.ts';
import { VersionError } from '../store/store.service.ts';
import type { TileCoord } from './tile-math.ts';

/** Bump when tileSql() changes what a tile contains: every ETag changes with it. */
export const TILE_REVISION = 1;

// Compression. gzip level 1: on a 470 KB low-zoom parcel tile it takes half the time of the
// default level 6 for a body 7 % larger (7 ms → 156 KB against 13 ms → 146 KB). Tiles up to
// TileOptions.inlineGzipBytes are compressed on the spot for a client that accepts gzip (≈ 0.1 ms
// for 16 KB). Bigger ones — the low-zoom tiles that already cost the database tens of
// milliseconds — go out uncompressed to the request that built them and are compressed in the
// thread pool afterwards, for every later request: inline, compression added up to a quarter to
// the slowest requests of bench:tiles.
const GZIP = { level: 1 };
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface TileOptions {
  /** Upper bound of the tile cache, bytes (ONEMAP_TILE_CACHE_MB, default 256 MB). */
  cacheBytes: number;
  /** Cache-Control max-age of tiles and TileJSON, seconds. */
  maxAgeS: number;
  /** How long the catalogue snapshot (active versions) is trusted, ms (layer-snapshot.ts). */
  recheckMs: number;
  /** Largest tile gzip-coded while its request waits; bigger ones are compressed afterwards. */
  inlineGzipBytes: number;
}

export function tileOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): TileOptions {
  const mb = env.ONEMAP_TILE_CACHE_MB === undefined || env.ONEMAP_TILE_CACHE_MB === '' ? 256 : Number(env.ONEMAP_TILE_CACHE_MB);
  if (!Number.isFinite(mb) || mb < 0)
    throw new Error(`ONEMAP_TILE_CACHE_MB must be a non-negative number, got "${env.ONEMAP_TILE_CACHE_MB}"`);
  return { cacheBytes: Math.round(mb * 1024 * 1024), maxAgeS: 60, recheckMs: MAX_AGE_MS, inlineGzipBytes: 32 * 1024 };
}

/** A layer as one caller may read it, with the version its tiles show now. */
export interface TileTarget {
  layer: TileLayer;
  scope: LayerScope;
  /** null: no data imported yet, every tile is empty. */
  version: number | null;
  /** 'all', or a digest of the caller's districts and the district layer's version. */
  scopeTag: string;
  /**
   * A version asked for by number (?version=N, the viewer's compare view) other than the active
   * one. `layer.version_stamp` is then that version's own, so the tag names it; its features never
   * change (later versions only close rows after it), so its tiles stay good while it exists.
   */
  pinned?: boolean;
}

export class TileService {
  readonly cache: TileCache;
  readonly snapshot: LayerSnapshot;
  private readonly inflight = new Map<string, Promise<CachedTile>>();
  private readonly sql = new Map<string, string>();
  /** Extents by layer id and scope tag (a district officer's TileJSON has the extent of their features). */
  private readonly extents = new Map<string, { version: number; extent: Promise<VersionExtent> }>();
  /** Stamps of versions asked for by number, keyed `layerId:activeStamp:version` (see target()). */
  private readonly stamps = new Map<string, Promise<string | null>>();
  private readonly unsubscribe: () => void;
  private encoder: Promise<TileEncoder> | null = null;

  constructor(
    private readonly db: Db,
    readonly options: TileOptions,
    /** The district layer whose outlines limit a district officer's tiles (config.districts, auth/layers.ts). */
    private readonly districts: DistrictLayer = DEFAULT_DISTRICT_LAYER,
  ) {
    this.cache = new TileCache(options.cacheBytes);
    this.snapshot = new LayerSnapshot(db, options.recheckMs);
    this.unsubscribe = db.events.onLayerChanged((c) => this.layerChanged(c));
  }

  close(): void {
    this.unsubscribe();
    this.cache.clear();
  }

  /**
   * The layer by code as this user may read it. A restricted layer the user may not read throws
   * the same UnknownLayerError as a code not in the catalogue (auth/layers.ts readableLayer,
   * answered from the snapshot instead of a query per request).
   */
  async target(user: User, code: string, version?: number): Promise<TileTarget> {
    const wait = this.snapshot.fresh();
    if (wait) await wait;
    const layer = this.snapshot.layer(code);
    const scope = layer ? scopeOf(user, layer) : null;
    if (!layer || !scope) throw new UnknownLayerError(code);
    const t: TileTarget = { layer, scope, version: layer.active_version, scopeTag: this.scopeTag(scope) };
    // The active version by number is the ordinary tile: same tag, same cache entry.
    if (version === undefined || version === layer.active_version) return t;
    const stamp = await this.stampOf(layer, version);
    if (stamp === null) throw new VersionError(`layer ${layer.code} has no version ${version}`);
    return { ...t, layer: { ...layer, version_stamp: stamp }, version, pinned: true };
  }

  /**
   * When `version` was written, or null if the layer has none. Keyed by the active version's stamp
   * too, so a database rebuilt under the same ids (new stamps) is asked again.
   */
  private stampOf(layer: TileLayer, version: number): Promise<string | null> {
    const key = `${layer.id}:${layer.version_stamp}:${version}`;
    let p = this.stamps.get(key);
    if (!p) {
      if (this.stamps.size >= 1000) this.stamps.clear(); // a bound, not an LRU: misses only cost one small query
      p = versionStamp(this.db, layer.id, version);
      this.stamps.set(key, p);
      p.catch(() => this.stamps.delete(key)); // do not keep a failure
    }
    return p;
  }

  /** Layers this user may read, in catalogue order. */
  async readable(user: User): Promise<TileLayer[]> {
    const wait = this.snapshot.fresh();
    if (wait) await wait;
    return this.snapshot.all().filter((l) => scopeOf(user, l) !== null);
  }

  /** Strong entity tag (unquoted, before the content-coding suffix); also the cache key. */
  tag(t: TileTarget, c: TileCoord): string {
    const v = t.version === null ? '0' : `${t.version}.${Number(t.layer.version_stamp).toString(36)}`;
    return `t${TILE_REVISION}-${t.layer.id}.${v}-${t.scopeTag}-${c.z}.${c.x}.${c.y}`;
  }

  /**
   * The tile, from the cache or built once (concurrent requests for one tile share the build).
   * `wantGzip`: the client accepts it — the entry comes back gzip-coded unless it is a big tile
   * just built, whose compression runs after this request (see GZIP above).
   */
  async tile(t: TileTarget, c: TileCoord, wantGzip: boolean): Promise<CachedTile> {
    const key = this.tag(t, c);
    let e = this.cache.get(key);
    if (!e) {
      let p = this.inflight.get(key);
      if (!p) {
        p = this.build(t, c, key).finally(() => this.inflight.delete(key));
        this.inflight.set(key, p);
      }
      e = await p;
    }
    if (wantGzip && !e.gzip && e.body.length > 0 && e.body.length <= this.options.inlineGzipBytes) {
      const coded: CachedTile = { ...e, body: gzipSync(e.body, GZIP), gzip: true };
      this.replace(key, e, coded);
      e = coded;
    }
    return e;
  }

  /** The tile's bytes without content coding (for the rare client that refuses gzip). */
  async identity(e: CachedTile): Promise<Buffer> {
    return e.gzip ? gunzipAsync(e.body) : e.body;
  }

  /**
   * Extent and attribute keys of the layer's active version as the target's caller reads it
   * (TileJSON), computed once per version and scope.
   */
  async extent(t: TileTarget): Promise<VersionExtent | null> {
    const layer = t.layer;
    const v = layer.active_version;
    if (v === null) return null;
    const key = `${layer.id}:${t.scopeTag}`;
    let e = this.extents.get(key);
    if (!e || e.version !== v) {
      // A bound, not an LRU: scoped entries multiply with district sets and district layer versions.
      if (this.extents.size >= 1000) this.extents.clear();
      const scoped = t.scope.districts ? t.scope : null;
      e = { version: v, extent: this.reader(t, v).then((q) => versionExtent(q, layer.id, v, scoped, this.districts)) };
      this.extents.set(key, e);
      e.extent.catch(() => this.extents.delete(key)); // do not keep a failure
    }
    return e.extent;
  }

  private async build(t: TileTarget, c: TileCoord, key: string): Promise<CachedTile> {
    let raw: Buffer = Buffer.alloc(0);
    if (t.version !== null) {
      const encoder = await (this.encoder ??= tileEncoder(this.db));
      const districts = t.scope.districts ? [...t.scope.districts].sort() : null;
      raw = await buildTile(
        await this.reader(t, t.version),
        this.statement(t, encoder),
        tileParams(c, t.version, t.layer.code, attrNames(t.layer), districts),
        encoder,
      );
    }
    const entry: CachedTile = { body: raw, gzip: false, layerId: t.layer.id, scoped: t.scope.districts !== null };
    // Keep it only if the layer has not moved on while it was being built (that key is dead).
    const now = this.snapshot.byId(t.layer.id);
    if (t.pinned || (now && now.active_version === t.version && now.version_stamp === t.layer.version_stamp)) this.cache.set(key, entry);
    if (raw.length > this.options.inlineGzipBytes && this.cache.peek(key) === entry) {
      gzipAsync(raw, GZIP).then(
        (body) => this.replace(key, entry, { ...entry, body, gzip: true }),
        () => {},
      );
    }
    return entry;
  }

  /**
   * Where to read version `v` of the target's layer: the replica once it has that version
   * (db/replica.ts). A district-scoped read stays on the primary: its filter reads the district
   * layer's active version, which the replica may not have replayed.
   */
  private reader(t: TileTarget, v: number): Promise<Queryable> {
    return t.scope.districts ? Promise.resolve(this.db) : readerFor(this.db, [{ layerId: t.layer.id, version: v }]);
  }

  /** Swaps a cached entry for its compressed form, unless it was evicted or dropped meanwhile. */
  private replace(key: string, old: CachedTile, next: CachedTile): void {
    if (this.cache.peek(key) === old) this.cache.set(key, next);
  }

  /** tileSql() text, built once per layer and scope kind (the text names the prepared statement). */
  private statement(t: TileTarget, encoder: TileEncoder): string {
    const scoped = t.scope.districts !== null;
    const k = `${t.layer.id}:${t.layer.geometry_type}:${scoped}`;
    let s = this.sql.get(k);
    if (!s) {
      s = tileSql({ layerId: t.layer.id, geometryType: t.layer.geometry_type }, t.scope, encoder, this.districts);
      this.sql.set(k, s);
    }
    return s;
  }

  private scopeTag(scope: LayerScope): string {
    if (!scope.districts) return 'all';
    // A scoped tile shows the features inside the caller's districts as the district layer
    // draws them now, so it depends on that layer's version too.
    const xzq = this.snapshot.layer(this.districts.layer);
    const basis = `${xzq?.active_version ?? 0}.${xzq?.version_stamp ?? ''}|${[...scope.districts].sort().join(',')}`;
    return `d${createHash('sha1').update(basis).digest('base64url').slice(0, 16)}`;
  }

  private layerChanged(c: LayerChange): void {
    // In-process import or rollback (announced after COMMIT): re-read the catalogue on the next
    // request and free the layer's tiles now rather than when the LRU gets to them.
    this.snapshot.invalidate();
    for (const k of this.extents.keys()) if (k.startsWith(`${c.layerId}:`)) this.extents.delete(k);
    for (const k of this.stamps.keys()) if (k.startsWith(`${c.layerId}:`)) this.stamps.delete(k);
    const districts = c.code.toUpperCase() === this.districts.layer.toUpperCase();
    this.cache.dropWhere((e) => e.layerId === c.layerId || (districts && e.scoped));
  }
}

/** Attribute names a layer's tiles carry: its declared attr_schema, or null for every key. */
export function attrNames(layer: TileLayer): string[] | null {
  const names = (layer.attr_schema ?? []).map((a) => a.name).filter((n) => typeof n === 'string' && n !== 'fid');
  return names.length ? names : null;
}
