// Serves the built web application (dist/web, written by `npm run build`): hashed assets under
// /assets/ cached for a year, index.html never cached, and index.html for every page path of the
// single-page app (/map, /review/…, /portal …) so a reload or a shared link opens the right page.
// API-like paths that match no route keep the JSON 404 of src/server/errors.ts.
// When the app has not been built, / falls back to the plain landing page and says how to build.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Db } from '../db/index.ts';
import { HttpError } from '../server/errors.ts';
import { indexPage } from '../server/index-page.ts';
import { layerSummaries } from '../catalogue/catalogue.service.ts';
import { readableLayers } from '../auth/layers.ts';

/** Where `npm run build` writes the app; ONEMAP_WEB_DIST moves it (scripts/ensure-web.mjs). */
export const WEB_DIST = process.env.ONEMAP_WEB_DIST
  ? process.env.ONEMAP_WEB_DIST.replace(/\/?$/, '/')
  : fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths that belong to the API and services, never to the single-page app. */
const NOT_APP = /^\/(api|tiles|ogcapi|vendor|assets|health)(\/|$)/;

export function webRoutes(app: FastifyInstance, db: Db, dist = WEB_DIST): void {
  const indexFile = dist + 'index.html';
  const built = existsSync(indexFile);
  // Read once: index.html is small and only changes with a new build (and a restart).
  const html = built ? readFileSync(indexFile, 'utf8') : '';

  if (built) {
    app.register(fastifyStatic, {
      root: dist + 'assets',
      prefix: '/assets/',
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
      index: false,
    });
    for (const f of ['favicon.svg']) {
      if (existsSync(dist + f)) {
        const body = readFileSync(dist + f);
        app.get('/' + f, { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
          reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(body),
        );
      }
    }
  }

  const page = async (req: { user: unknown; url: string }, reply: FastifyReply) => {
    if (!built) {
      const u = req.user as Parameters<typeof readableLayers>[1];
      const readable = new Set((await readableLayers(db, u)).map((s) => s.layer.code));
      return reply.type('text/html; charset=utf-8').send(
        indexPage(
          (await layerSummaries(db)).filter((l) => readable.has(l.code)),
          { unbuilt: true },
        ),
      );
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, page);
  // Pages decide their own access in the browser (web/src/router.ts); every API call they make is
  // checked again by the server, so serving the same index.html to anyone reveals nothing.
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0];
    if (NOT_APP.test(path) || /\.[a-z0-9]{1,5}$/i.test(path)) throw new HttpError(404, `not found: ${req.method} ${path}`);
    return page(req, reply);
  });
}
