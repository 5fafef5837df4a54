// A new password typed twice (a new user, a reset): what is wrong with it before the request goes
// out — shorter than the API's minimum of 8 characters (src/auth/auth.routes.ts) or the two differ.
import { t } from '../../i18n/index.ts';

const MIN_PASSWORD = 8;

export function passwordProblem(password: string, again: string): string {
  if (password.length < MIN_PASSWORD) return t('admin.users.shortPassword', { n: MIN_PASSWORD });
  return password !== again ? t('admin.users.mismatch') : '';
}
