// Serves the built web application (dist/web, written by `npm run build`): hashed assets under
// /assets/ cached for a year, index.html never cached, and index.html for every page path of the
// single-page app (/map, /review/…, /portal …) so a reload or a shared link opens the right page.
// API-like paths that match no route keep the JSON 404 of src/server/errors.ts.
// When the app has not been built, / falls back to the plain landing page and says how to build.
// Also MapLibre GL JS from node_modules at /vendor/maplibre-gl/, which every map page of the app
// (and the /access page) loads: the maps work without internet.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { endpoint, get, mount, type Route } from '../server/route.ts';
import { indexPage } from './index-page.ts';
import { layerSummaries } from '../catalogue/catalogue.service.ts';
import { readableLayers } from '../auth/layers.ts';
import { NotFound } from '../errors.ts';

/** Where `npm run build` writes the app; ONEMAP_WEB_DIST moves it (scripts/ensure-web.mjs). */
export const WEB_DIST = process.env.ONEMAP_WEB_DIST
  ? process.env.ONEMAP_WEB_DIST.replace(/\/?$/, '/')
  : fileURLToPath(new URL('../../dist/web/', import.meta.url));

const MAPLIBRE_DIST = dirname(createRequire(import.meta.url).resolve('maplibre-gl/package.json')) + '/dist';

/** Paths that belong to the API and services, never to the single-page app. */
const NOT_APP = /^\/(api|tiles|ogcapi|vendor|assets|health)(\/|$)/;

const hidden = { hide: true } as const;

interface Built {
  /** index.html, read once: it is small and only changes with a new build (and a restart). */
  html: string | null;
  favicon: Buffer | null;
}

/** Registered last by buildApp: the catch-all page route must not shadow an API route. */
export function webRoutes(app: FastifyInstance, dist = WEB_DIST): void {
  const built: Built = {
    html: existsSync(dist + 'index.html') ? readFileSync(dist + 'index.html', 'utf8') : null,
    favicon: existsSync(dist + 'index.html') && existsSync(dist + 'favicon.svg') ? readFileSync(dist + 'favicon.svg') : null,
  };
  // decorateReply: false on both, so several @fastify/static registrations can coexist.
  app.register(fastifyStatic, { root: MAPLIBRE_DIST, prefix: '/vendor/maplibre-gl/', decorateReply: false });
  if (built.html !== null)
    app.register(fastifyStatic, {
      root: dist + 'assets',
      prefix: '/assets/',
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
      index: false,
    });

  const page = pageHandler(built);
  const table: Route[] = [
    get('/', 'public', page),
    // Pages decide their own access in the browser (web/src/router.ts); every API call they make
    // is checked again by the server, so serving the same index.html to anyone reveals nothing.
    get('/*', 'public', anyPage(page)),
  ];
  if (built.favicon) table.unshift(get('/favicon.svg', 'public', favicon(built.favicon)));
  mount(app, table);
}

function favicon(body: Buffer) {
  return endpoint(hidden, async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(body));
}

function pageHandler(built: Built) {
  return endpoint(hidden, async (req: FastifyRequest, reply: FastifyReply) => {
    if (built.html === null) {
      const { db } = req.server.ctx;
      const readable = new Set((await readableLayers(db, req.user)).map((s) => s.layer.code));
      const layers = (await layerSummaries(db)).filter((l) => readable.has(l.code));
      return reply.type('text/html; charset=utf-8').send(indexPage(layers, { unbuilt: true }));
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(built.html);
  });
}

function anyPage(page: ReturnType<typeof pageHandler>) {
  return endpoint(hidden, async function (this: FastifyInstance, req, reply) {
    const path = req.url.split('?')[0];
    if (NOT_APP.test(path) || /\.[a-z0-9]{1,5}$/i.test(path)) throw new NotFound(`没有这个地址 (not found): ${req.method} ${path}`);
    return page.handler.call(this, req, reply);
  });
}
