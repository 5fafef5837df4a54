// All SQL of users, sessions and API tokens.
import type { Queryable } from '../db/index.ts';
import type { StaffRole } from './types.ts';

export interface UserRow {
  id: number;
  username: string;
  display_name: string | null;
  role: StaffRole;
  districts: string[];
  password_hash: string | null;
  active: boolean;
  created_at: string;
}

const cols = (a: string) => `${a}id, ${a}username, ${a}display_name, ${a}role, ${a}districts, ${a}password_hash, ${a}active,
  to_char(${a}created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;
const COLS = cols('');

export async function findByUsername(q: Queryable, username: string): Promise<UserRow | undefined> {
  return (await q.query<UserRow>(`SELECT ${COLS} FROM app_user WHERE lower(username) = lower($1)`, [username])).rows[0];
}

/** Name and role of each of `usernames` that is a staff account (others — system, test — are absent). */
export async function namesAndRoles(
  q: Queryable,
  usernames: string[],
): Promise<{ username: string; display_name: string | null; role: StaffRole }[]> {
  if (!usernames.length) return [];
  return (
    await q.query<{ username: string; display_name: string | null; role: StaffRole }>(
      `SELECT username, display_name, role FROM app_user WHERE username = ANY($1::text[])`,
      [usernames],
    )
  ).rows;
}

export async function findAll(q: Queryable): Promise<UserRow[]> {
  return (await q.query<UserRow>(`SELECT ${COLS} FROM app_user ORDER BY id`)).rows;
}

export async function insert(
  q: Queryable,
  u: { username: string; displayName: string | null; role: StaffRole; districts: string[]; passwordHash: string | null },
): Promise<UserRow> {
  return (
    await q.query<UserRow>(
      `INSERT INTO app_user (username, display_name, role, districts, password_hash) VALUES ($1, $2, $3, $4::text[], $5) RETURNING ${COLS}`,
      [u.username, u.displayName, u.role, u.districts, u.passwordHash],
    )
  ).rows[0];
}

export async function update(
  q: Queryable,
  id: number,
  u: { displayName?: string | null; role?: StaffRole; districts?: string[]; passwordHash?: string; active?: boolean },
): Promise<UserRow> {
  return (
    await q.query<UserRow>(
      `UPDATE app_user SET
       display_name = CASE WHEN $2 THEN $3 ELSE display_name END,
       role = coalesce($4, role),
       districts = coalesce($5::text[], districts),
       password_hash = coalesce($6, password_hash),
       active = coalesce($7, active),
       updated_at = now()
     WHERE id = $1 RETURNING ${COLS}`,
      [
        id,
        u.displayName !== undefined,
        u.displayName ?? null,
        u.role ?? null,
        u.districts ?? null,
        u.passwordHash ?? null,
        u.active ?? null,
      ],
    )
  ).rows[0];
}

export async function countAdmins(q: Queryable): Promise<number> {
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM app_user WHERE role = 'admin' AND active`)).rows[0].n;
}

// Sessions ----------------------------------------------------------------------------------

export async function insertSession(
  q: Queryable,
  s: { sha256: string; userId: number; hours: number; ip: string | null; userAgent: string | null },
): Promise<string> {
  return (
    await q.query<{ expires_at: string }>(
      `INSERT INTO user_session (token_sha256, user_id, expires_at, ip, user_agent) VALUES ($1, $2, now() + make_interval(hours => $3), $4, $5)
     RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at`,
      [s.sha256, s.userId, s.hours, s.ip, s.userAgent],
    )
  ).rows[0].expires_at;
}

export async function userBySession(q: Queryable, sha256: string): Promise<UserRow | undefined> {
  return (
    await q.query<UserRow>(
      `SELECT ${cols('u.')}
       FROM user_session s JOIN app_user u ON u.id = s.user_id
      WHERE s.token_sha256 = $1 AND s.expires_at > now() AND u.active`,
      [sha256],
      { prepare: true },
    )
  ).rows[0];
}

export async function deleteSession(q: Queryable, sha256: string): Promise<void> {
  await q.query(`DELETE FROM user_session WHERE token_sha256 = $1`, [sha256]);
}

export async function deleteSessionsOf(q: Queryable, userId: number): Promise<void> {
  await q.query(`DELETE FROM user_session WHERE user_id = $1 OR expires_at < now()`, [userId]);
}

// API tokens --------------------------------------------------------------------------------

export interface TokenRow {
  id: number;
  user_id: number;
  username: string;
  name: string;
  prefix: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export async function insertToken(
  q: Queryable,
  t: { userId: number; name: string; sha256: string; prefix: string; createdBy: string; expiresDays: number | null },
): Promise<number> {
  return (
    await q.query<{ id: number }>(
      `INSERT INTO api_token (user_id, name, token_sha256, prefix, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(days => $6::int) END) RETURNING id`,
      [t.userId, t.name, t.sha256, t.prefix, t.createdBy, t.expiresDays],
    )
  ).rows[0].id;
}

const TS = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

export async function tokens(q: Queryable, userId?: number): Promise<TokenRow[]> {
  return (
    await q.query<TokenRow>(
      `SELECT t.id, t.user_id, u.username, t.name, t.prefix, ${TS('t.created_at')} AS created_at, t.created_by, ${TS('t.expires_at')} AS expires_at,
            ${TS('t.last_used_at')} AS last_used_at, ${TS('t.revoked_at')} AS revoked_at
       FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE $1::int IS NULL OR t.user_id = $1 ORDER BY t.id`,
      [userId ?? null],
    )
  ).rows;
}

export async function userByToken(q: Queryable, sha256: string): Promise<(UserRow & { token_id: number }) | undefined> {
  return (
    await q.query<UserRow & { token_id: number }>(
      `SELECT u.id, u.username, u.display_name, u.role, u.districts, u.active, t.id AS token_id
       FROM api_token t JOIN app_user u ON u.id = t.user_id
      WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.active`,
      [sha256],
      { prepare: true },
    )
  ).rows[0];
}

export async function touchToken(q: Queryable, id: number): Promise<void> {
  // At most once a minute: a token used for thousands of tile requests must not write on each.
  await q.query(
    `UPDATE api_token SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
    { prepare: true },
  );
}

export async function revokeToken(q: Queryable, id: number): Promise<TokenRow | undefined> {
  await q.query(`UPDATE api_token SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
  return (await tokens(q)).find((t) => t.id === id);
}

/**
 * Failed sign-ins in the last `minutes` (from the audit trail, so every process on the database
 * counts the same): for the username since its last successful sign-in, and from the address.
 */
export async function recentLoginFailures(
  q: Queryable,
  username: string,
  ip: string,
  minutes: number,
): Promise<{ by_user: number; by_ip: number; oldest_user: string | null; oldest_ip: string | null }> {
  const r = await q.query<{ by_user: number; by_ip: number; oldest_user: string | null; oldest_ip: string | null }>(
    `WITH recent AS (
       SELECT id, at, action, entity_id, after->>'ip' AS ip FROM audit_log
        WHERE at > clock_timestamp() - make_interval(mins => $3::int) AND action IN ('auth.login-failed', 'auth.login')),
     since AS (SELECT coalesce(max(id), 0) AS id FROM recent WHERE action = 'auth.login' AND entity_id = $1),
     u AS (SELECT at FROM recent WHERE action = 'auth.login-failed' AND entity_id = $1 AND id > (SELECT id FROM since)),
     i AS (SELECT at FROM recent WHERE action = 'auth.login-failed' AND ip = $2)
     SELECT (SELECT count(*)::int FROM u) AS by_user, (SELECT count(*)::int FROM i) AS by_ip,
            (SELECT to_char(min(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM u) AS oldest_user,
            (SELECT to_char(min(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM i) AS oldest_ip`,
    [username, ip, minutes],
  );
  // Aggregates: one row always; none is a lost result, and a throttle must not pass on it.
  if (r.rows.length !== 1) throw new Error(`login throttle: expected one row, got ${r.rows.length}`);
  return r.rows[0];
}
