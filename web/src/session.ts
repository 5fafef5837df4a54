// Who is signed in (GET /api/auth/me; the anonymous public when nobody is), shared by every page.
import { ref, computed } from 'vue';
import { GET, POST, type Ok } from './api/client.ts';

/** The caller as GET /api/auth/me answers (src/auth/auth.schemas.ts, Caller). */
export type SessionUser = Ok<'/api/auth/me'>;
export type Role = SessionUser['role'];
export type StaffRole = Exclude<Role, 'anonymous'>;

const ANONYMOUS: SessionUser = {
  id: null,
  username: 'anonymous',
  name: '公众',
  role: 'anonymous',
  roleLabel: '公众（未登录）',
  districts: [],
};

export const user = ref<SessionUser>(ANONYMOUS);
export const signedIn = computed(() => user.value.role !== 'anonymous');
let loaded: Promise<SessionUser> | null = null;

/** The current user, asked of the server once per page load (and again after sign-in/out). */
export function loadUser(force = false): Promise<SessionUser> {
  if (!loaded || force) {
    loaded = GET('/api/auth/me')
      .then((u) => (user.value = u))
      .catch(() => (user.value = ANONYMOUS));
  }
  return loaded;
}

export async function signIn(username: string, password: string): Promise<SessionUser> {
  const r = await POST('/api/auth/login', { body: { username, password } });
  user.value = r.user;
  loaded = Promise.resolve(r.user);
  return r.user;
}

export async function signOut(): Promise<void> {
  await POST('/api/auth/logout').catch(() => undefined);
  user.value = ANONYMOUS;
  loaded = Promise.resolve(ANONYMOUS);
}

/**
 * Route access, mirroring the server's (src/auth/guard.ts): 'public', 'staff' (any signed-in role)
 * or a list of roles; administrators pass every check. The server still decides — this only hides
 * menus and pages a user could not use.
 */
export type RouteAccess = 'public' | 'staff' | readonly StaffRole[];

export function allowed(access: RouteAccess | undefined, u: SessionUser = user.value): boolean {
  if (!access || access === 'public') return true;
  if (u.role === 'anonymous') return false;
  if (access === 'staff' || u.role === 'admin') return true;
  return access.includes(u.role);
}
