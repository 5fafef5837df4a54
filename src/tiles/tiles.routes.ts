// HTTP routes of the vector tiles (Mapbox Vector Tile 2.1, EPSG:3857 XYZ grid):
//   GET /tiles                          readable layers and their TileJSON URLs
//   GET /tiles/{layer}.json             TileJSON 3.0.0 of one layer
//   GET /tiles/{layer}/{z}/{x}/{y}.mvt  one tile (.pbf accepted too)
// The routes are public; which layers a caller sees, and how much of them, is decided per layer
// (tiles.service.ts → auth/layers.ts). A tile with no feature is answered 204 No Content, which
// MapLibre treats as an empty tile.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { ANONYMOUS, type User } from '../auth/types.ts';
import { NotFound } from '../errors.ts';
import { endpoint, get, mount, type Route } from '../server/route.ts';
import { parseTile } from './tile-math.ts';
import { TileService, tileOptionsFromEnv, type TileOptions } from './tiles.service.ts';
import { tileJson as tileJsonOf } from './tilejson.ts';
import type { TileLayer } from './tiles.repository.ts';
import * as s from './tiles.schemas.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The tile service of this application: catalogue snapshot and tile cache (tileRoutes). */
    tiles: { service: TileService; cityExtent: Config['cityExtent'] };
  }
}

export const TILE_ROUTE = '/tiles/:layer/:z/:x/:tile';
export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';

/**
 * Registers the tile routes; returns the service behind them (its cache, for diagnostics). The
 * service holds the application's tile cache, so it is made here, once per application, and
 * reached by the handlers as `req.server.tiles`.
 */
export function tileRoutes(app: FastifyInstance, db: Db, config: Config, options: TileOptions = tileOptionsFromEnv()): TileService {
  const service = new TileService(db, options, config.districts);
  app.decorate('tiles', { service, cityExtent: config.cityExtent });
  app.addHook('onClose', async () => service.close());
  const table: Route[] = [
    get('/tiles', 'public', listTileLayers),
    get('/tiles/:file', 'public', layerTileJson),
    get(TILE_ROUTE, 'public', tile),
  ];
  mount(app, table);
  return service;
}

// auth/guard.ts sets req.user for every request; without it (the routes on a bare Fastify, as in
// tests), every caller is the anonymous public.
const userOf = (req: FastifyRequest): User => req.user ?? ANONYMOUS;
const baseUrl = (req: FastifyRequest) => `${req.protocol}://${req.host}`;
// Restricted layers differ per caller: browsers may keep them, shared caches must not.
const cacheControl = (req: FastifyRequest, l: TileLayer) =>
  `${l.public ? 'public' : 'private'}, max-age=${req.server.tiles.service.options.maxAgeS}`;

const listTileLayers = endpoint(s.list, async (req) => {
  const layers = await req.server.tiles.service.readable(userOf(req));
  return {
    layers: layers.map((l) => ({
      code: l.code,
      name: l.name_zh,
      public: l.public,
      version: l.active_version,
      tilejson: `${baseUrl(req)}/tiles/${encodeURIComponent(l.code)}.json`,
    })),
  };
});

const layerTileJson = endpoint(s.tileJson, async (req, reply) => {
  const { service, cityExtent } = req.server.tiles;
  const m = /^(.+)\.json$/.exec(req.params.file);
  if (!m)
    throw new NotFound(
      `no such tile resource "${req.params.file}": a layer's TileJSON is /tiles/{layer}.json, its tiles /tiles/{layer}/{z}/{x}/{y}.mvt`,
    );
  const t = await service.target(userOf(req), m[1]);
  const doc = tileJsonOf(t.layer, await service.extent(t), baseUrl(req), cityExtent);
  return reply.header('cache-control', cacheControl(req, t.layer)).send(doc);
});

const tile = endpoint(s.tile, async (req, reply) => {
  const tiles = req.server.tiles.service;
  const { layer, z, x, tile } = req.params;
  // The address is checked first: a bad one gets the same 400 whether the layer exists or not.
  const coord = parseTile(z, x, tile);
  const t = await tiles.target(userOf(req), layer, req.query?.version);
  const gz = acceptsGzip(req.headers['accept-encoding']);
  // One tag per representation: the gzip-coded body must not share a strong tag with the plain one.
  const base = tiles.tag(t, coord);
  const plainTag = `"${base}"`;
  const gzipTag = `"${base}-gz"`;
  reply.header('cache-control', cacheControl(req, t.layer)).header('vary', 'Accept-Encoding');
  // Either representation of this tile version is still good for the client that holds it.
  const held = heldTag(req.headers['if-none-match'], gz ? [gzipTag, plainTag] : [plainTag, gzipTag]);
  if (held) return reply.code(304).header('etag', held).send();
  const entry = await tiles.tile(t, coord, gz);
  if (entry.body.length === 0) return reply.code(204).header('etag', plainTag).send();
  if (gz && entry.gzip) return sendTile(reply.header('etag', gzipTag).header('content-encoding', 'gzip'), entry.body);
  return sendTile(reply.header('etag', plainTag), await tiles.identity(entry));
});

function sendTile(reply: FastifyReply, body: Buffer): FastifyReply {
  return reply.type(MVT_TYPE).send(body);
}

/** Whether Accept-Encoding allows gzip (an explicit q=0 refuses it). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim());
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q && !(Number(q.slice(2)) > 0)) continue;
    return true;
  }
  return false;
}

/** The tag from If-None-Match the client holds among `current`, or null (weak comparison, RFC 9110 §13.1.2). */
export function heldTag(header: string | undefined, current: string[]): string | null {
  if (!header) return null;
  if (header.trim() === '*') return current[0];
  for (const raw of header.split(',')) {
    const tag = raw.trim().replace(/^W\//, '');
    if (current.includes(tag)) return tag;
  }
  return null;
}
