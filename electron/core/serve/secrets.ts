import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: the start token and every session id. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is kept of a secret: comparing digests gives both sides one length. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * Whether `given` is the secret behind one of `expected`, in a time that depends on neither: it
 * is hashed once and compared with every digest, none skipped once one matches.
 */
export function matchesDigest(given: string, expected: readonly Buffer[]): boolean {
  const digest = secretDigest(given);
  let found = false;
  for (const one of expected) if (timingSafeEqual(digest, one)) found = true;
  return found;
}
