// OAuth `state` values: 256-bit random nonces, stored only as SHA-256 hashes, single use, bound to tenant and user.
import { createHash, randomBytes } from 'node:crypto';

/** A new state nonce (URL-safe). */
export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a nonce. Also the AAD binding the sealed PKCE verifier to its state. */
export function hashNonce(nonce: string): string {
  return createHash('sha256').update(nonce, 'utf8').digest('hex');
}

/** A state that could be ours: the right length and alphabet (anything else is rejected before a lookup). */
export function isWellFormedNonce(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** The sealed-verifier marker of an admin-consent state (admin consent has no PKCE). */
export const ADMIN_CONSENT_MARKER = 'admin-consent';
