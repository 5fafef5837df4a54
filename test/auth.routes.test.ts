// The authorization matrix generated from the route table (issue 22 item 5): every route the
// application serves is listed as it registers (AppContext.routes), so a new route cannot be
// missed. A route that is not public refuses the anonymous public (401); a route for some roles
// refuses every other staff role (403); a route that declares nothing is for administrators only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { STAFF_ROLES, type StaffRole } from '../src/auth/types.ts';

test('every route: the public and the roles it does not name are refused before anything runs', async () => {
  const [tdb] = testDatabases();
  const h = await tdb.open();
  const app = await buildApp({ db: h.db, config: h.config });
  try {
    await app.ready();
    const hdr = {} as Record<StaffRole, Record<string, string>>;
    for (const r of STAFF_ROLES) hdr[r] = await authHeaders(h.db, r);
    const routes = app.ctx.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.includes('*'));
    assert.ok(routes.length > 150, `the route list is filled (${routes.length} routes)`);
    let checked = 0;
    for (const r of routes) {
      if (r.access === 'public') continue;
      const url = r.url.replace(/:(\w+)/g, (_, p: string) => (p === 'code' || p === 'layer' ? 'ZD' : '1'));
      const req = { method: r.method as 'GET', url };
      const anon = await app.inject(req);
      assert.equal(anon.statusCode, 401, `${r.method} ${r.url} (${JSON.stringify(r.access)}) for the public: ${anon.body.slice(0, 160)}`);
      const allowed: readonly string[] = r.access === 'staff' ? STAFF_ROLES : (r.access ?? []);
      for (const role of STAFF_ROLES) {
        if (role === 'admin' || allowed.includes(role)) continue;
        const res = await app.inject({ ...req, headers: hdr[role] });
        assert.equal(res.statusCode, 403, `${r.method} ${r.url} (${JSON.stringify(r.access)}) for ${role}: ${res.body.slice(0, 160)}`);
      }
      checked++;
    }
    assert.ok(checked > 100, `${checked} protected routes checked`);
  } finally {
    await app.close();
    await h.close();
  }
});
