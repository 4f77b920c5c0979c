import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords are stored as scrypt hashes (node:crypto, RFC 7914):
 * `scrypt$N$r$p$salt$hash`, salt and hash base64url. N = 2^15, r = 8 (32 MiB,
 * about 0.1 s here) follows OWASP's minimum for scrypt; the parameters travel
 * with each hash so they can be raised later without breaking old ones.
 */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

export const MIN_PASSWORD = 10;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEYLEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || n > 1 << 20) return false;
  const want = Buffer.from(parts[5]!, 'base64url');
  const got = await derive(password, Buffer.from(parts[4]!, 'base64url'), n, r, p);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A hash of a random password: unknown user names cost the same time as known ones. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(pw: string, username?: string): string | null {
  if (pw.length < MIN_PASSWORD) return `the password must be at least ${MIN_PASSWORD} characters`;
  if (pw.length > 1024) return 'the password must be at most 1024 characters';
  if (username && pw.toLowerCase() === username.toLowerCase()) return 'the password must not be the user name';
  return null;
}
