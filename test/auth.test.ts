// Sign-in, sessions, API tokens and user administration on every test database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { addUser } from '../src/auth/users.service.ts';

const run = promisify(execFile);
const cookieOf = (setCookie: string | string[] | undefined) => {
  const c = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).find((x) => x.startsWith('onemap_session='));
  return c;
};

for (const tdb of testDatabases()) {
  describe(`sign-in, sessions and tokens on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    let admin: Record<string, string>;
    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: h.config });
      admin = await authHeaders(h.db, 'admin');
      await addUser(h.db, h.config.districts, { username: '王规划', role: 'planner', password: 'correct horse 1' }, 'test');
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    test('passwords are stored as argon2id hashes, never in clear', async () => {
      const r = (await h.db.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE username = '王规划'`)).rows[0];
      assert.match(r.password_hash, /^\$argon2id\$v=19\$/);
      assert.ok(!r.password_hash.includes('correct horse'));
      const audit = (
        await h.db.query<{ t: string }>(
          `SELECT string_agg(coalesce(before::text, '') || coalesce(after::text, ''), ' ') AS t FROM audit_log`,
        )
      ).rows[0].t;
      assert.ok(!audit.includes('correct horse') && !audit.includes('argon2'), 'neither the password nor its hash reaches the audit trail');
    });

    test('log-in: wrong password refused and audited; right one sets an httpOnly SameSite cookie', async () => {
      const bad = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: '王规划', password: 'wrong password' } });
      assert.equal(bad.statusCode, 401);
      assert.deepEqual(Object.keys(bad.json()).sort(), ['code', 'error', 'statusCode']);
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'nobody', password: 'wrong password' },
      });
      assert.equal(unknown.body, bad.body, 'the same answer for an unknown user: usernames cannot be probed');
      const failed = await h.db.query(`SELECT 1 FROM audit_log WHERE action = 'auth.login-failed' AND entity_id = '王规划'`);
      assert.equal(failed.rows.length, 1);

      const ok = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: '王规划', password: 'correct horse 1' } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().user.role, 'planner');
      const c = cookieOf(ok.headers['set-cookie'])!;
      assert.match(c, /HttpOnly/i);
      assert.match(c, /SameSite=Lax/i);
      assert.match(c, /Path=\//);
      const cookie = c.split(';')[0];
      const me = (await app.inject({ url: '/api/auth/me', headers: { cookie } })).json();
      assert.equal(me.username, '王规划');
      assert.equal(me.roleLabel, '编制人员');
      // A signed-in planner may run a review; the session works for writes from our own origin…
      const own = await app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80' },
        payload: { password: 'correct horse 2' },
      });
      assert.equal(own.statusCode, 200, own.body);
      // …and a password change ends every session of that user.
      assert.equal((await app.inject({ url: '/api/auth/me', headers: { cookie } })).json().role, 'anonymous');
      const again = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: '王规划', password: 'correct horse 2' },
      });
      const cookie2 = cookieOf(again.headers['set-cookie'])!.split(';')[0];
      // Cross-site writes with the cookie are refused (CSRF).
      const csrf = await app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { cookie: cookie2, origin: 'https://evil.example', host: 'localhost:80' },
        payload: { password: 'hijacked 123' },
      });
      assert.equal(csrf.statusCode, 403);
      assert.match(csrf.json().error, /跨站/);
      // Log-out ends the session.
      assert.equal((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cookie2 } })).statusCode, 200);
      assert.equal((await app.inject({ url: '/api/auth/me', headers: { cookie: cookie2 } })).json().role, 'anonymous');
      const actions = (await h.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE actor = '王规划' ORDER BY id`)).rows.map(
        (r) => r.action,
      );
      assert.deepEqual(
        actions.filter((a) => a.startsWith('auth.') || a.startsWith('user.')),
        ['auth.login-failed', 'auth.login', 'user.password', 'auth.login', 'auth.logout'],
      );
    });

    test('API tokens: issued once by an administrator, usable as Bearer, refused once revoked', async () => {
      const t = await app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { username: '王规划', name: '审批系统' } });
      assert.equal(t.statusCode, 201, t.body);
      const { token, id } = t.json();
      assert.match(token, /^om_[A-Za-z0-9_-]{43}$/);
      const stored = (await h.db.query<{ token_sha256: string }>(`SELECT token_sha256 FROM api_token WHERE id = $1`, [id])).rows[0];
      assert.notEqual(stored.token_sha256, token, 'only the hash is stored');
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await app.inject({ url: '/api/auth/me', headers: bearer })).json().username, '王规划');
      const list = (await app.inject({ url: '/api/tokens?username=' + encodeURIComponent('王规划'), headers: admin })).json();
      assert.equal(list[0].prefix, token.slice(0, 10));
      assert.ok(!JSON.stringify(list).includes(token), 'the secret is never listed');
      assert.equal((await app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: admin })).statusCode, 200);
      const after = await app.inject({ url: '/api/auth/me', headers: bearer });
      assert.equal(after.statusCode, 401);
      assert.equal(after.json().code, 'unauthenticated');
      assert.equal((await app.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer om_forged' } })).statusCode, 401);
    });

    test('user administration: roles, district codes checked, last administrator protected', async () => {
      const bad = await app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username: 'qx1', role: 'district' } });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error, /district code/);
      const badCode = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin,
        payload: { username: 'qx1', role: 'district', districts: ['12345'] },
      });
      assert.equal(badCode.statusCode, 400);
      const ok = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin,
        payload: { username: 'qx1', role: 'district', districts: ['330110', '330106'], name: '李区县' },
      });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.deepEqual(ok.json().districts, ['330106', '330110']);
      assert.equal(
        (await app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username: 'qx1', role: 'inspector' } }))
          .statusCode,
        409,
      );
      const upd = await app.inject({ method: 'PATCH', url: '/api/users/qx1', headers: admin, payload: { role: 'inspector' } });
      assert.deepEqual([upd.json().role, upd.json().districts], ['inspector', []]);
      const admins = (await app.inject({ url: '/api/users', headers: admin })).json().filter((u: { role: string }) => u.role === 'admin');
      assert.equal(admins.length, 1);
      const last = await app.inject({
        method: 'PATCH',
        url: `/api/users/${admins[0].username}`,
        headers: admin,
        payload: { active: false },
      });
      assert.equal(last.statusCode, 409);
      assert.match(last.json().error, /last active administrator/);
      const off = await app.inject({ method: 'PATCH', url: '/api/users/qx1', headers: admin, payload: { active: false } });
      assert.equal(off.json().active, false);
    });
  });
}

describe('onemap user (command line)', () => {
  test('the first administrator, a token, a list; passwords from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onemap-cli-user-'));
    const env = { ...process.env, ONEMAP_DATA_DIR: dir, DATABASE_URL: '', ONEMAP_PASSWORD: 'first admin pw' };
    try {
      const add = await run(process.execPath, ['bin/onemap.js', 'user', 'add', 'admin', '--role', 'admin', '--name', '系统管理员'], {
        env,
      });
      assert.match(add.stdout, /已添加用户 admin（管理员）/);
      const dup = await run(process.execPath, ['bin/onemap.js', 'user', 'add', 'admin', '--role', 'admin'], { env }).catch((e) => e);
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /exists already/);
      const tok = await run(process.execPath, ['bin/onemap.js', 'user', 'token', 'admin', '--name', 'QGIS', '--json'], { env });
      assert.match(JSON.parse(tok.stdout).token, /^om_/);
      const list = JSON.parse((await run(process.execPath, ['bin/onemap.js', 'user', 'list', '--json'], { env })).stdout);
      assert.deepEqual(
        list.map((u: { username: string; role: string; name: string }) => [u.username, u.role, u.name]),
        [['admin', 'admin', '系统管理员']],
      );
      const short = await run(process.execPath, ['bin/onemap.js', 'user', 'add', 'x', '--role', 'planner'], {
        env: { ...env, ONEMAP_PASSWORD: 'short' },
      }).catch((e) => e);
      assert.match(short.stderr, /at least 8 characters/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
