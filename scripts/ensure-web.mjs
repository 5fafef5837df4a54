// Builds the web application (dist/web) when it is missing or older than its sources, so
// `npm start` on a fresh clone serves the app without a separate build step. `--force` rebuilds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
// ONEMAP_WEB_DIST moves the build (and what the platform serves), e.g. one folder per developer
// when several build at once.
const dist = process.env.ONEMAP_WEB_DIST || join(root, 'dist', 'web');
const index = join(dist, 'index.html');

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

export async function ensureWeb({ force = false, quiet = false } = {}) {
  if (!force && existsSync(index) && statSync(index).mtimeMs >= newest(web)) return false;
  if (!quiet) console.log('正在构建网页应用 (building the web application: vite build) …');
  const t0 = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(web, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn', build: { outDir: dist, emptyOutDir: true } });
  if (!quiet) console.log(`网页应用已构建 → ${dist} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureWeb({ force: process.argv.includes('--force') });
}
