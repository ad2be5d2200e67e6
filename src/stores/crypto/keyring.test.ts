// Envelope encryption: round trip, tamper detection, key rotation and the 0600 key file.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring, keyIdOf, loadOrCreateKeyFile, rotateKeyFile } from './keyring.js';

describe('Keyring', () => {
  it('round-trips and hides the plaintext', () => {
    const ring = new Keyring(randomBytes(32));
    const env = ring.encrypt('refresh-token-SECRET', 'conn-1');
    expect(env).not.toContain('SECRET');
    expect(env.split('.')[1]).toBe(ring.currentId);
    expect(ring.decrypt(env, 'conn-1')).toBe('refresh-token-SECRET');
  });

  it('rejects altered ciphertext and the wrong associated data', () => {
    const ring = new Keyring(randomBytes(32));
    const env = ring.encrypt('x'.repeat(40), 'a');
    const parts = env.split('.');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => ring.decrypt(parts.join('.'), 'a')).toThrow();
    expect(() => ring.decrypt(env, 'b')).toThrow();
  });

  it('decrypts with an old key after rotation until re-encrypted', () => {
    const oldKey = randomBytes(32);
    const old = new Keyring(oldKey);
    const env = old.encrypt('token');
    const rotated = new Keyring(randomBytes(32), [oldKey]);
    expect(rotated.currentId).not.toBe(keyIdOf(oldKey));
    expect(rotated.decrypt(env)).toBe('token');
    const re = rotated.encrypt(rotated.decrypt(env));
    expect(Keyring.keyIdOfEnvelope(re)).toBe(rotated.currentId);
    expect(() => new Keyring(randomBytes(32)).decrypt(env)).toThrow(/no key/);
  });

  it('creates the key file with mode 0600 and rotates it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbridge-keys-'));
    const path = join(dir, 'keys.json');
    const ring = loadOrCreateKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const env = ring.encrypt('t');
    expect(loadOrCreateKeyFile(path).currentId).toBe(ring.currentId);
    const next = rotateKeyFile(path);
    expect(next.currentId).not.toBe(ring.currentId);
    expect(next.decrypt(env)).toBe('t');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
