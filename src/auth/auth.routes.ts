// HTTP routes of sign-in, users and API tokens. Sign-in sets an httpOnly, SameSite=Lax session
// cookie; other systems use `Authorization: Bearer om_…` tokens that administrators issue.
import type { FastifyInstance } from 'fastify';
import { endpoint, del, get, mount, patch, post, type Route } from '../server/route.ts';
import { STAFF_ROLES, ROLE_LABELS, type User } from './types.ts';
import * as users from './users.service.ts';
import { SESSION_COOKIE } from './guard.ts';
import * as s from './auth.schemas.ts';

export function authRoutes(app: FastifyInstance): void {
  const table: Route[] = [
    post('/api/auth/login', 'public', login),
    post('/api/auth/logout', 'staff', logout),
    get('/api/auth/me', 'public', me),
    get('/api/auth/roles', 'public', roles),
    // Every signed-in user may change their own password.
    post('/api/auth/password', 'staff', changeMyPassword),

    get('/api/users', ['admin'], listUsers),
    post('/api/users', ['admin'], addUser),
    get('/api/users/:username', ['admin'], getUser),
    patch('/api/users/:username', ['admin'], patchUser),

    // API tokens: administrators issue them for other systems.
    get('/api/tokens', ['admin'], listTokens),
    post('/api/tokens', ['admin'], createToken),
    del('/api/tokens/:id', ['admin'], revokeToken),
  ];
  mount(app, table);
}

/** The caller as the API shows it (never how they signed in). */
const caller = (u: User): s.Caller => ({
  id: u.id,
  username: u.username,
  name: u.name,
  role: u.role,
  roleLabel: ROLE_LABELS[u.role],
  districts: u.districts,
});

const login = endpoint(s.login, async (req, reply) => {
  const { db, config } = req.server.ctx;
  const r = await users.login(db, req.body.username, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
  reply.setCookie(SESSION_COOKIE, r.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.limits.secureCookies || req.protocol === 'https',
    maxAge: users.SESSION_HOURS * 3600,
  });
  return { user: caller(r.user), expiresAt: r.expiresAt };
});

const logout = endpoint(s.logout, async (req, reply) => {
  const sid = req.cookies[SESSION_COOKIE];
  if (sid) await users.logout(req.server.ctx.db, sid, req.user);
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  return { ok: true };
});

const me = endpoint(s.me, async (req) => caller(req.user));

const roles = endpoint(s.roles, async () => STAFF_ROLES.map((r) => ({ role: r, label: ROLE_LABELS[r] })));

const changeMyPassword = endpoint(s.changeMyPassword, async (req) => {
  const { db, config } = req.server.ctx;
  return users.updateUser(db, config.districts, req.user.username, { password: req.body.password }, req.user.username);
});

const listUsers = endpoint(s.listUsers, async (req) => users.listUsers(req.server.ctx.db));

const addUser = endpoint(s.addUser, async (req, reply) => {
  const { db, config } = req.server.ctx;
  const b = req.body;
  const u = await users.addUser(
    db,
    config.districts,
    { username: b.username, role: b.role, password: b.password, displayName: b.name, districts: b.districts },
    req.user.username,
  );
  return reply.code(201).send(u);
});

const getUser = endpoint(s.getUser, async (req) => users.publicUser(await users.getUserRow(req.server.ctx.db, req.params.username)));

const patchUser = endpoint(s.patchUser, async (req) => {
  const { db, config } = req.server.ctx;
  const b = req.body;
  const change: users.UserPatch = { role: b.role, districts: b.districts, active: b.active, password: b.password };
  if (b.name !== undefined) change.displayName = b.name;
  for (const k of Object.keys(change) as (keyof users.UserPatch)[]) if (change[k] === undefined) delete change[k];
  return users.updateUser(db, config.districts, req.params.username, change, req.user.username);
});

const listTokens = endpoint(s.listTokens, async (req) => users.listTokens(req.server.ctx.db, req.query.username));

const createToken = endpoint(s.createToken, async (req, reply) => {
  const t = await users.createToken(req.server.ctx.db, req.body.username, req.body.name, req.user.username, req.body.expiresDays);
  return reply.code(201).send(t);
});

const revokeToken = endpoint(s.revokeToken, async (req) => users.revokeToken(req.server.ctx.db, req.params.id, req.user.username));
