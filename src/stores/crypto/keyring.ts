// Token-encryption keys: AES-256-GCM envelopes tagged with a key id, so keys can be rotated.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 'v1';

/** Key id: the first 12 hex characters of the key's SHA-256 (never the key itself). */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** A set of keys: one current (encrypts), any number of older ones (decrypt only). */
export class Keyring {
  private readonly keys = new Map<string, Buffer>();
  readonly currentId: string;

  constructor(current: Buffer, previous: Buffer[] = []) {
    if (current.length !== 32) throw new Error('encryption key must be 32 bytes');
    this.currentId = keyIdOf(current);
    this.keys.set(this.currentId, current);
    for (const k of previous) if (k.length === 32) this.keys.set(keyIdOf(k), k);
  }

  /** Encrypts `plaintext` with the current key; `aad` binds the ciphertext to its row (e.g. connection id). */
  encrypt(plaintext: string, aad = ''): string {
    const key = this.keys.get(this.currentId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.currentId,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ct.toString('base64url'),
    ].join('.');
  }

  /** Decrypts an envelope made by any key in the ring; throws when the key is unknown or the data was altered. */
  decrypt(envelope: string, aad = ''): string {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('not a calbridge ciphertext');
    const [, keyId, iv, tag, ct] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no key with id ${keyId} in the keyring`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The key id an envelope was made with. */
  static keyIdOfEnvelope(envelope: string): string | null {
    const parts = envelope.split('.');
    return parts.length === 5 ? (parts[1] ?? null) : null;
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }
}

interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

/**
 * The embedded setup's key file (mode 0600): created with a random key on first start.
 * @example const ring = loadOrCreateKeyFile('./data/keys.json');
 */
export function loadOrCreateKeyFile(path: string): Keyring {
  if (!existsSync(path)) {
    const key = randomBytes(32);
    writeKeyFile(path, { current: keyIdOf(key), keys: { [keyIdOf(key)]: key.toString('base64') } });
  }
  const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const current = Buffer.from(file.keys[file.current] ?? '', 'base64');
  const previous = Object.entries(file.keys)
    .filter(([id]) => id !== file.current)
    .map(([, k]) => Buffer.from(k, 'base64'));
  return new Keyring(current, previous);
}

/** Adds a new current key to the key file, keeping the old ones for decryption. Returns the new keyring. */
export function rotateKeyFile(path: string): Keyring {
  const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const key = randomBytes(32);
  const id = keyIdOf(key);
  writeKeyFile(path, { current: id, keys: { ...file.keys, [id]: key.toString('base64') } });
  return loadOrCreateKeyFile(path);
}

/** Drops keys no ciphertext uses any more. */
export function pruneKeyFile(path: string, inUse: Set<string>): void {
  const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const keys = Object.fromEntries(Object.entries(file.keys).filter(([id]) => id === file.current || inUse.has(id)));
  writeKeyFile(path, { current: file.current, keys });
}

function writeKeyFile(path: string, file: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}
