// Signed-in callers for HTTP tests: a user of the given role with an API token, as request headers.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/index.ts';
import type { StaffRole } from '../../src/auth/types.ts';
import { addUser, createToken } from '../../src/auth/users.service.ts';
import { configFromEnv } from '../../src/config.ts';

export async function authHeaders(
  db: Db,
  role: StaffRole,
  opts: { districts?: string[]; username?: string; name?: string } = {},
): Promise<Record<string, string>> {
  const username = opts.username ?? `${role}_${randomBytes(4).toString('hex')}`;
  await addUser(
    db,
    configFromEnv({}).districts,
    { username, role, displayName: opts.name, districts: role === 'district' ? (opts.districts ?? ['330106']) : undefined },
    'test',
  );
  const t = await createToken(db, username, 'test', 'test');
  return { authorization: `Bearer ${t.token}` };
}
