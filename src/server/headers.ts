// Security headers on every answer (issue 22 item 3), so markup that reaches a page from imported
// data cannot run script even where a page forgot to escape it:
// - Content-Security-Policy: scripts only from this origin (no inline script, no eval); MapLibre's
//   tile workers start from blob: URLs; styles may be inline (Vue style bindings, MapLibre);
//   images from data:/blob: (map sprites, canvas exports); only the app itself may frame its pages
//   (the report and opinion previews).
// - X-Frame-Options (older browsers' frame-ancestors), X-Content-Type-Options: nosniff,
//   Referrer-Policy. The API documentation page (Swagger UI) ships inline script and is left
//   out of the script policy only.
import type { FastifyInstance } from 'fastify';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

const INLINE_SCRIPT_PAGES = /^\/api\/docs(\/|$)/;

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('X-Request-Id', req.id);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'SAMEORIGIN');
    reply.header('Referrer-Policy', 'same-origin');
    if (!INLINE_SCRIPT_PAGES.test(req.url.split('?')[0]) && !reply.hasHeader('Content-Security-Policy'))
      reply.header('Content-Security-Policy', CSP);
    return payload;
  });
}
