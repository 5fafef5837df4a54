// Browser tests: the built web application (dist/web, rebuilt when stale) served by the platform on
// a fresh embedded database with the `small` demo city and the demo accounts, driven by Debian's
// Chromium through playwright-core (no browser download; ONEMAP_CHROMIUM overrides the path).
// Screenshots go to test-artifacts/browser/<suite>/ (ignored by git, kept by CI as artefacts).
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { openDb, type Db } from '../../src/db/index.ts';
import { configFromEnv, type Config } from '../../src/config.ts';
import { ensureDefaultCatalogue } from '../../src/catalogue/catalogue.service.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { ensureDemoAccounts } from '../../src/demo/accounts.ts';
import { buildApp } from '../../src/server/app.ts';
import { fixedClock, type ManualClock } from '../../src/util/clock.ts';
// @ts-expect-error plain ES module without types
import { ensureWeb } from '../../scripts/ensure-web.mjs';

export const CHROMIUM = process.env.ONEMAP_CHROMIUM ?? '/usr/bin/chromium';
export const DEMO_PASSWORD = 'Demo-Passw0rd!';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'browser');

// Flags for Debian's Chromium as root on an offline machine (DEVELOPERS.md, env notes): without
// the background-networking flags it keeps trying to reach Google's hosts.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-gl=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

export interface WebApp {
  base: string;
  db: Db;
  config: Config;
  app: FastifyInstance;
  clock: ManualClock;
  browser: Browser;
  /** A new browser context (own cookies) and page, 1280×800 unless told. */
  newPage(o?: { width?: number; height?: number; isMobile?: boolean }): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs in through the sign-in page as a demo account (admin, planner, reviewer, xihu, inspector). */
  login(page: Page, username: string): Promise<void>;
  /** Saves a full-window screenshot as test-artifacts/browser/<suite>/<nn>-<name>.png. */
  shot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set ONEMAP_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/**
 * Starts the platform for one browser test suite. `clock` pins "today" (YYYY-MM-DD) for
 * deadlines and warnings; default 2026-06-30.
 */
export async function startWebApp(suite: string, o: { clock?: string; scale?: 'small' | 'demo' } = {}): Promise<WebApp> {
  await ensureWeb({ quiet: true });
  const clock = fixedClock(o.clock ?? '2026-06-30');
  const db = await openDb({ memory: true });
  await ensureDefaultCatalogue(db);
  const config: Config = { ...configFromEnv({}), db: {}, clock, limits: { ...configFromEnv({}).limits, anonymousPerMinute: 0 } };
  await generateDemo(db, config, { scale: o.scale ?? 'small' });
  await ensureDemoAccounts(db, config.districts, DEMO_PASSWORD);
  const app = await buildApp({ db, config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchBrowser();
  const dir = join(ARTIFACTS, suite);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const contexts: BrowserContext[] = [];
  return {
    base,
    db,
    config,
    app,
    clock,
    browser,
    async newPage(p = {}) {
      const context = await browser.newContext({
        baseURL: base,
        viewport: { width: p.width ?? 1280, height: p.height ?? 800 },
        isMobile: p.isMobile,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        acceptDownloads: true,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`[browser ${suite}] page error: ${e.message}`));
      return { context, page };
    },
    async login(page, username) {
      await page.goto('/login');
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
    },
    async shot(page, name) {
      const file = join(dir, `${String(++n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await app.close();
      await db.close();
    },
  };
}
