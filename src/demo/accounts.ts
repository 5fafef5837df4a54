// Demo accounts, one per staff role, created when `onemap start` generates the demo city on an
// empty database, so a planner can sign in at once. The password is random unless
// ONEMAP_DEMO_PASSWORD sets it; it is printed once on the console and kept in the data folder
// (readable by the owner only). Production databases get their users from `onemap user add`.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { DistrictLayer } from '../config.ts';
import type { StaffRole } from '../auth/types.ts';
import { addUser, listUsers } from '../auth/users.service.ts';

// People's names (姓名), as documents and trails show them: 李明华（审查员）, not "reviewer".
export const DEMO_ACCOUNTS: { username: string; role: StaffRole; displayName: string; districts?: string[] }[] = [
  { username: 'admin', role: 'admin', displayName: '周建国' },
  { username: 'planner', role: 'planner', displayName: '陈晓婷' },
  { username: 'reviewer', role: 'reviewer', displayName: '李明华' },
  { username: 'xihu', role: 'district', displayName: '赵文杰', districts: ['330106'] },
  { username: 'inspector', role: 'inspector', displayName: '孙海波' },
];

/** Creates the demo accounts when the database has no users; returns the password, or null. */
export async function ensureDemoAccounts(
  db: Db,
  districts: DistrictLayer,
  password = process.env.ONEMAP_DEMO_PASSWORD || randomBytes(9).toString('base64url'),
): Promise<string | null> {
  if ((await listUsers(db)).length > 0) return null;
  for (const a of DEMO_ACCOUNTS) await addUser(db, districts, { ...a, password }, 'demo');
  return password;
}
