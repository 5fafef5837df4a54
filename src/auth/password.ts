// Password hashing with argon2id (OWASP's first choice; the library's defaults: 64 MiB, t=3, p=4).
import argon2 from 'argon2';

export const MIN_PASSWORD_LENGTH = 8;

export const hashPassword = (pw: string): Promise<string> => argon2.hash(pw, { type: argon2.argon2id });

export async function verifyPassword(hash: string | null, pw: string): Promise<boolean> {
  // Unknown users and users without a password still pay one verification, so response time does
  // not tell which usernames exist.
  const h = hash ?? DUMMY;
  try {
    return (await argon2.verify(h, pw)) && hash !== null;
  } catch {
    return false;
  }
}

// A real argon2id hash of a throw-away string, so the dummy verification costs what a real one does.
const DUMMY = '$argon2id$v=19$m=65536,p=4,t=3$gB2oNXibkgZ3p5hU/XFfAQ$LIheoYc9bPPBKjwFT1SA9adLDILc20SHiJcnbT+KAlw';
