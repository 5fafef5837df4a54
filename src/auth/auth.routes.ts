// HTTP routes of sign-in, users and API tokens. Sign-in sets an httpOnly, SameSite=Lax session
// cookie; other systems use `Authorization: Bearer om_…` tokens that administrators issue.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { STAFF_ROLES, ROLE_LABELS, type StaffRole } from './types.ts';
import {
  login,
  logout,
  addUser,
  listUsers,
  updateUser,
  createToken,
  listTokens,
  revokeToken,
  publicUser,
  getUserRow,
  SESSION_HOURS,
  type UserPatch,
} from './users.service.ts';
import { SESSION_COOKIE } from './guard.ts';
import { errorSchema } from '../server/errors.ts';

const userSchema = {
  type: 'object',
  properties: {
    id: { type: ['integer', 'null'] },
    username: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    roleLabel: { type: 'string' },
    districts: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    createdAt: { type: 'string' },
  },
} as const;
const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    user_id: { type: 'integer' },
    username: { type: 'string' },
    name: { type: 'string' },
    prefix: { type: 'string' },
    created_at: { type: 'string' },
    created_by: { type: 'string' },
    expires_at: { type: ['string', 'null'] },
    last_used_at: { type: ['string', 'null'] },
    revoked_at: { type: ['string', 'null'] },
  },
} as const;
const districtsSchema = { type: 'array', items: { type: 'string', pattern: '^[0-9]{6}$' }, maxItems: 50 } as const;
const usernameParam = {
  type: 'object',
  required: ['username'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema };

export function authRoutes(app: FastifyInstance, db: Db, config: Config): void {
  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: '登录 (sign in): sets the httpOnly session cookie',
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 1000 },
          },
        },
        response: { 200: { type: 'object', properties: { user: userSchema, expiresAt: { type: 'string' } } }, ...errors },
      },
    },
    async (req, reply) => {
      const r = await login(db, req.body.username, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
      reply.setCookie(SESSION_COOKIE, r.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.limits.secureCookies || req.protocol === 'https',
        maxAge: SESSION_HOURS * 3600,
      });
      return { user: { ...r.user, roleLabel: ROLE_LABELS[r.user.role] }, expiresAt: r.expiresAt };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['auth'],
        summary: '退出登录 (sign out)',
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...errors },
      },
    },
    async (req, reply) => {
      const sid = req.cookies[SESSION_COOKIE];
      if (sid) await logout(db, sid, req.user);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: '当前用户 (who am I): the anonymous public when not signed in', response: { 200: userSchema } },
    },
    async (req) => ({ ...req.user, roleLabel: ROLE_LABELS[req.user.role] }),
  );

  app.get(
    '/api/auth/roles',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: '角色 (the roles and their Chinese names)',
        response: {
          200: { type: 'array', items: { type: 'object', properties: { role: { type: 'string' }, label: { type: 'string' } } } },
        },
      },
    },
    async () => STAFF_ROLES.map((r) => ({ role: r, label: ROLE_LABELS[r] })),
  );

  // Users (administrators) ---------------------------------------------------------------
  app.get(
    '/api/users',
    {
      config: { access: ['admin'] },
      schema: { tags: ['users'], summary: '用户列表 (users)', response: { 200: { type: 'array', items: userSchema }, ...errors } },
    },
    async () => listUsers(db),
  );

  app.post<{ Body: { username: string; role: StaffRole; password?: string; name?: string; districts?: string[] } }>(
    '/api/users',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['users'],
        summary: '新增用户 (add a user)',
        body: {
          type: 'object',
          required: ['username', 'role'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            role: { type: 'string', enum: [...STAFF_ROLES] },
            password: { type: 'string', minLength: 8, maxLength: 1000 },
            name: { type: 'string', maxLength: 100 },
            districts: districtsSchema,
          },
        },
        response: { 201: userSchema, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return reply
        .code(201)
        .send(
          await addUser(
            db,
            { username: b.username, role: b.role, password: b.password, displayName: b.name, districts: b.districts },
            req.user.username,
          ),
        );
    },
  );

  app.get<{ Params: { username: string } }>(
    '/api/users/:username',
    {
      config: { access: ['admin'] },
      schema: { tags: ['users'], summary: '用户详情 (one user)', params: usernameParam, response: { 200: userSchema, ...errors } },
    },
    async (req) => publicUser(await getUserRow(db, req.params.username)),
  );

  app.patch<{
    Params: { username: string };
    Body: { name?: string | null; role?: StaffRole; districts?: string[]; active?: boolean; password?: string };
  }>(
    '/api/users/:username',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['users'],
        summary: '修改用户 (change role, districts, password or deactivate)',
        params: usernameParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            name: { type: ['string', 'null'], maxLength: 100 },
            role: { type: 'string', enum: [...STAFF_ROLES] },
            districts: districtsSchema,
            active: { type: 'boolean' },
            password: { type: 'string', minLength: 8, maxLength: 1000 },
          },
        },
        response: { 200: userSchema, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      const patch: UserPatch = { role: b.role, districts: b.districts, active: b.active, password: b.password };
      if (b.name !== undefined) patch.displayName = b.name;
      for (const k of Object.keys(patch) as (keyof UserPatch)[]) if (patch[k] === undefined) delete patch[k];
      return updateUser(db, req.params.username, patch, req.user.username);
    },
  );

  // Every signed-in user may change their own password.
  app.post<{ Body: { password: string } }>(
    '/api/auth/password',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['auth'],
        summary: '修改本人密码 (change my password)',
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { password: { type: 'string', minLength: 8, maxLength: 1000 } },
        },
        response: { 200: userSchema, ...errors },
      },
    },
    async (req) => updateUser(db, req.user.username, { password: req.body.password }, req.user.username),
  );

  // API tokens (administrators issue them for systems) --------------------------------------
  app.get<{ Querystring: { username?: string } }>(
    '/api/tokens',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['users'],
        summary: 'API 令牌列表 (API tokens; never the secrets)',
        querystring: { type: 'object', properties: { username: { type: 'string', maxLength: 64 } } },
        response: { 200: { type: 'array', items: tokenSchema }, ...errors },
      },
    },
    async (req) => listTokens(db, req.query.username),
  );

  app.post<{ Body: { username: string; name: string; expiresDays?: number } }>(
    '/api/tokens',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['users'],
        summary: '签发 API 令牌 (issue an API token; the secret is shown once)',
        body: {
          type: 'object',
          required: ['username', 'name'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            name: { type: 'string', minLength: 1, maxLength: 100 },
            expiresDays: { type: 'integer', minimum: 1, maximum: 3650 },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: { id: { type: 'integer' }, token: { type: 'string' }, name: { type: 'string' }, username: { type: 'string' } },
          },
          ...errors,
        },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createToken(db, req.body.username, req.body.name, req.user.username, req.body.expiresDays)),
  );

  app.delete<{ Params: { id: number } }>(
    '/api/tokens/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['users'],
        summary: '吊销令牌 (revoke)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
        response: { 200: tokenSchema, ...errors },
      },
    },
    async (req) => revokeToken(db, req.params.id, req.user.username),
  );
}
