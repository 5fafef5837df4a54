// Users, log-in sessions and API tokens. Every change is audited in the same transaction
// (GB/T 39972 全过程留痕); secrets (passwords, session and token values) never reach the log.
import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import { appendAudit } from '../audit/audit.ts';
import * as repo from './users.repository.ts';
import { districtCodes } from './districts.repository.ts';
import { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH } from './password.ts';
import { STAFF_ROLES, ROLE_LABELS, type StaffRole, type User } from './types.ts';
import type { CallerCache } from './callers.ts';
import type { PublicUser } from './auth.schemas.ts';
import { Conflict, Invalid, NotFound, RateLimited, Unauthenticated } from '../errors.ts';

/** A working day and a bit: staff log in each morning (工作日会话). */
export const SESSION_HOURS = 12;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function toUser(r: repo.UserRow, via: User['via']): User {
  return { id: r.id, username: r.username, name: r.display_name ?? r.username, role: r.role, districts: r.districts ?? [], via };
}

/** What the API shows of a user: never the hash. */
export function publicUser(r: repo.UserRow): PublicUser {
  return {
    id: r.id,
    username: r.username,
    name: r.display_name ?? r.username,
    role: r.role,
    roleLabel: ROLE_LABELS[r.role],
    districts: r.districts,
    active: r.active,
    createdAt: r.created_at,
  };
}

const USERNAME = /^[\p{L}\p{N}_.@-]{1,64}$/u;

async function checkFields(
  q: Queryable,
  d: DistrictLayer,
  u: { username?: string; role?: string; districts?: string[]; password?: string },
): Promise<void> {
  if (u.username !== undefined && !USERNAME.test(u.username))
    throw new Invalid(`用户名“${u.username}”无效：1–64 个字母、数字或 _ . @ - (username "${u.username}" is not valid)`);
  if (u.role !== undefined && !STAFF_ROLES.includes(u.role as StaffRole))
    throw new Invalid(`角色“${u.role}”不存在，可选 ${STAFF_ROLES.join('、')} (role "${u.role}" is not one of ${STAFF_ROLES.join(', ')})`);
  if (u.password !== undefined && u.password.length < MIN_PASSWORD_LENGTH)
    throw new Invalid(`密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (the password must have at least ${MIN_PASSWORD_LENGTH} characters)`);
  if (u.districts) {
    const bad = u.districts.filter((c) => !/^\d{6}$/.test(c));
    if (bad.length)
      throw new Invalid(
        `区县代码须为 6 位 GB/T 2260 代码（如 330106），无效：${bad.join('、')} (district codes are 6-digit GB/T 2260 codes; not valid: ${bad.join(', ')})`,
      );
    // When the district layer is loaded, the codes must be in it.
    const known = await districtCodes(q, d);
    const unknown = known.length ? u.districts.filter((c) => !known.includes(c)) : [];
    if (unknown.length)
      throw new Invalid(
        `区县代码 ${unknown.join('、')} 不在行政区图层 ${d.layer} 中（已有 ${known.join('、')}） (district code(s) ${unknown.join(', ')} are not in the district layer ${d.layer})`,
      );
  }
}

export interface NewUser {
  username: string;
  role: StaffRole;
  password?: string;
  displayName?: string;
  districts?: string[];
}

/** Adds a staff account; `d` is the district layer its district codes are checked against (config.districts). */
export async function addUser(db: Db, d: DistrictLayer, u: NewUser, actor: string): Promise<PublicUser> {
  const districts = u.role === 'district' ? [...new Set(u.districts ?? [])].sort() : [];
  if (u.role === 'district' && districts.length === 0)
    throw new Invalid('区县人员至少需要一个区县代码 (a district officer needs at least one district code: --districts 330106,…)');
  if (u.role !== 'district' && u.districts?.length)
    throw new Invalid(
      `只有区县人员限定辖区；${ROLE_LABELS[u.role]}查看全市 (only district officers are scoped to districts; role ${u.role} sees the whole city)`,
    );
  await checkFields(db, d, { username: u.username, role: u.role, districts, password: u.password });
  const hash = u.password ? await hashPassword(u.password) : null;
  return db.transaction(async (tx) => {
    if (await repo.findByUsername(tx, u.username)) throw new Conflict(`用户“${u.username}”已存在 (user "${u.username}" exists already)`);
    const row = await repo.insert(tx, {
      username: u.username,
      displayName: u.displayName ?? null,
      role: u.role,
      districts,
      passwordHash: hash,
    });
    await appendAudit(tx, { actor, action: 'user.add', entity: 'user', entityId: row.username, after: publicUser(row) });
    return publicUser(row);
  });
}

/**
 * How documents and pages name people: 姓名（角色）, e.g. 李明华（审查员）. An account without a name
 * shows its login with the role; a name that is no account (system, demo) stays as it is.
 */
export async function peopleLabels(q: Queryable, usernames: Iterable<string | null | undefined>): Promise<Record<string, string>> {
  const names = [...new Set([...usernames].filter((u): u is string => Boolean(u)))];
  const out: Record<string, string> = Object.fromEntries(names.map((u) => [u, u]));
  for (const r of await repo.namesAndRoles(q, names)) out[r.username] = `${r.display_name?.trim() || r.username}（${ROLE_LABELS[r.role]}）`;
  return out;
}

export async function getUserRow(q: Queryable, username: string): Promise<repo.UserRow> {
  const r = await repo.findByUsername(q, username);
  if (!r) throw new NotFound(`用户“${username}”不存在 (user "${username}" does not exist)`);
  return r;
}

export async function listUsers(q: Queryable) {
  return (await repo.findAll(q)).map(publicUser);
}

export interface UserPatch {
  displayName?: string | null;
  role?: StaffRole;
  districts?: string[];
  active?: boolean;
  password?: string;
}

/** Changes an account; a role change, a deactivation or a new password ends its sessions. */
export async function updateUser(db: Db, d: DistrictLayer, username: string, p: UserPatch, actor: string): Promise<PublicUser> {
  await checkFields(db, d, { role: p.role, districts: p.districts, password: p.password });
  const hash = p.password ? await hashPassword(p.password) : undefined;
  const out = await db.transaction(async (tx) => {
    const before = await getUserRow(tx, username);
    const role = p.role ?? before.role;
    const districts = role === 'district' ? [...new Set(p.districts ?? before.districts)].sort() : [];
    if (role === 'district' && districts.length === 0)
      throw new Invalid('区县人员至少需要一个区县代码 (a district officer needs at least one district code)');
    if (before.role === 'admin' && before.active && (role !== 'admin' || p.active === false) && (await repo.countAdmins(tx)) <= 1) {
      throw new Conflict(
        '这是最后一个启用的管理员，请先添加另一个管理员 (this is the last active administrator: add another administrator first)',
      );
    }
    const row = await repo.update(tx, before.id, { displayName: p.displayName, role, districts, passwordHash: hash, active: p.active });
    // A role change, a deactivation or a new password ends the user's open sessions.
    if (p.role || p.active === false || hash || p.districts) await repo.deleteSessionsOf(tx, row.id);
    await appendAudit(tx, {
      actor,
      action: hash && Object.keys(p).length === 1 ? 'user.password' : 'user.update',
      entity: 'user',
      entityId: row.username,
      before: publicUser(before),
      after: { ...publicUser(row), ...(hash ? { passwordChanged: true } : {}) },
    });
    return publicUser(row);
  });
  db.events.usersChanged();
  return out;
}

// Log-in sessions -------------------------------------------------------------------------

export interface LoginMeta {
  ip: string | null;
  userAgent: string | null;
}

// Login throttling (issue 22 item 9): guessing a password must be slow whatever the guesser's
// address, and one address must not try many accounts. Counted before the password is checked, so
// the right password after too many wrong ones is refused too, and argon2 is not run for nothing.
export const LOGIN_THROTTLE = Object.freeze({ minutes: 15, perUser: 5, perAddress: 20 });

async function throttleLogin(db: Db, username: string, ip: string): Promise<void> {
  const t = LOGIN_THROTTLE;
  const f = await repo.recentLoginFailures(db, username, ip, t.minutes);
  const wait = (oldest: string | null) =>
    Math.max(1, Math.ceil((Date.parse(oldest ?? '') + t.minutes * 60_000 - Date.now()) / 1000) || t.minutes * 60);
  if (f.by_user >= t.perUser) {
    const s = wait(f.oldest_user);
    throw new RateLimited(
      `账号“${username}”在 ${t.minutes} 分钟内登录失败 ${f.by_user} 次，已暂时锁定，请约 ${Math.ceil(s / 60)} 分钟后再试，或请管理员重置密码 (too many failed sign-ins for this account)`,
      s,
    );
  }
  if (f.by_ip >= t.perAddress) {
    const s = wait(f.oldest_ip);
    throw new RateLimited(
      `此地址在 ${t.minutes} 分钟内登录失败 ${f.by_ip} 次，已暂时禁止登录，请约 ${Math.ceil(s / 60)} 分钟后再试 (too many failed sign-ins from this address)`,
      s,
    );
  }
}

export async function login(
  db: Db,
  username: string,
  password: string,
  meta: LoginMeta,
): Promise<{ token: string; expiresAt: string; user: User }> {
  await throttleLogin(db, username.slice(0, 64), meta.ip ?? '');
  const row = await repo.findByUsername(db, username);
  const ok = await verifyPassword(row?.active ? row.password_hash : null, password);
  if (!row || !ok) {
    await appendAudit(db, {
      actor: username.slice(0, 64) || '?',
      action: 'auth.login-failed',
      entity: 'user',
      entityId: username.slice(0, 64),
      after: { ip: meta.ip },
    });
    throw new Unauthenticated('用户名或密码错误 (wrong username or password)');
  }
  const token = randomBytes(32).toString('base64url');
  return db.transaction(async (tx) => {
    const expiresAt = await repo.insertSession(tx, {
      sha256: sha256(token),
      userId: row.id,
      hours: SESSION_HOURS,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await appendAudit(tx, {
      actor: row.username,
      action: 'auth.login',
      entity: 'user',
      entityId: row.username,
      after: { ip: meta.ip, expiresAt },
    });
    return { token, expiresAt, user: toUser(row, 'session') };
  });
}

export async function logout(db: Db, token: string, user: User): Promise<void> {
  await db.transaction(async (tx) => {
    await repo.deleteSession(tx, sha256(token));
    await appendAudit(tx, { actor: user.username, action: 'auth.logout', entity: 'user', entityId: user.username });
  });
  db.events.usersChanged();
}

// API tokens ------------------------------------------------------------------------------

/** Creates a token for `username`; the secret is returned once and only its hash is kept. */
export async function createToken(
  db: Db,
  username: string,
  name: string,
  actor: string,
  expiresDays?: number,
): Promise<{ id: number; token: string; name: string; username: string }> {
  if (!name || name.length > 100)
    throw new Invalid('令牌须有 1–100 个字符的名称，写明哪个系统使用 (a token needs a name of 1–100 characters: which system uses it)');
  const secret = `om_${randomBytes(32).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const u = await getUserRow(tx, username);
    const id = await repo.insertToken(tx, {
      userId: u.id,
      name,
      sha256: sha256(secret),
      prefix: secret.slice(0, 10),
      createdBy: actor,
      expiresDays: expiresDays ?? null,
    });
    await appendAudit(tx, {
      actor,
      action: 'token.create',
      entity: 'api_token',
      entityId: id,
      after: { user: u.username, name, prefix: secret.slice(0, 10), expiresDays: expiresDays ?? null },
    });
    return { id, token: secret, name, username: u.username };
  });
}

export const listTokens = async (q: Queryable, username?: string) =>
  repo.tokens(q, username ? (await getUserRow(q, username)).id : undefined);

export async function revokeToken(db: Db, id: number, actor: string) {
  const out = await db.transaction(async (tx) => {
    const t = await repo.revokeToken(tx, id);
    if (!t) throw new NotFound(`API 令牌 ${id} 不存在 (API token ${id} does not exist)`);
    await appendAudit(tx, {
      actor,
      action: 'token.revoke',
      entity: 'api_token',
      entityId: id,
      after: { user: t.username, name: t.name, revokedAt: t.revoked_at },
    });
    return t;
  });
  db.events.usersChanged();
  return out;
}

// Resolving the caller --------------------------------------------------------------------

// Who holds a credential, through the application's caller cache (callers.ts): changes made
// through the user services above clear it (db.events.usersChanged).

export async function userForSession(q: Queryable, cache: CallerCache, token: string): Promise<User | null> {
  const h = sha256(token);
  return cache.get(`s:${h}`, async () => {
    const r = await repo.userBySession(q, h);
    return r ? toUser(r, 'session') : null;
  });
}

export async function userForToken(q: Queryable, cache: CallerCache, token: string): Promise<User | null> {
  const h = sha256(token);
  return cache.get(`t:${h}`, async () => {
    const r = await repo.userByToken(q, h);
    if (!r) return null;
    await repo.touchToken(q, r.token_id);
    return toUser(r, 'token');
  });
}
