// The token vault: connection secrets encrypted with AES-256-GCM (keyring) in calendar_connections.token_ciphertext.
import type { Kysely } from 'kysely';
import type { TokenSecret, TokenVault } from '../ports/stores.js';
import { Keyring } from './crypto/keyring.js';
import type { DB } from './schema.js';

export class PgTokenVault implements TokenVault {
  constructor(
    private readonly db: Kysely<DB>,
    private keyring: Keyring,
  ) {}

  /** Swaps in a rotated keyring (after `rotate-key`). */
  useKeyring(keyring: Keyring): void {
    this.keyring = keyring;
  }

  async save(tenantId: string, connectionId: string, secret: TokenSecret): Promise<void> {
    const ciphertext = this.keyring.encrypt(JSON.stringify(secret), connectionId);
    await this.db
      .updateTable('calendar_connections')
      .set({ token_ciphertext: ciphertext, token_key_id: this.keyring.currentId, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', connectionId)
      .execute();
  }

  async load(tenantId: string, connectionId: string): Promise<TokenSecret | null> {
    const row = await this.db
      .selectFrom('calendar_connections')
      .select('token_ciphertext')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', connectionId)
      .executeTakeFirst();
    if (!row?.token_ciphertext) return null;
    return JSON.parse(this.keyring.decrypt(row.token_ciphertext, connectionId)) as TokenSecret;
  }

  async erase(tenantId: string, connectionId: string): Promise<void> {
    await this.db
      .updateTable('calendar_connections')
      .set({ token_ciphertext: null, token_key_id: null, token_expires_at: null, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', connectionId)
      .execute();
  }

  /** Encrypts a small secret bound to a purpose (e.g. a PKCE verifier bound to its OAuth state). */
  seal(plaintext: string, aad: string): string {
    return this.keyring.encrypt(plaintext, aad);
  }

  open(ciphertext: string, aad: string): string {
    return this.keyring.decrypt(ciphertext, aad);
  }

  async reencryptAll(): Promise<number> {
    let count = 0;
    const current = this.keyring.currentId;
    const conns = await this.db
      .selectFrom('calendar_connections')
      .select(['id', 'token_ciphertext'])
      .where('token_ciphertext', 'is not', null)
      .execute();
    for (const c of conns) {
      if (!c.token_ciphertext || Keyring.keyIdOfEnvelope(c.token_ciphertext) === current) continue;
      const plain = this.keyring.decrypt(c.token_ciphertext, c.id);
      await this.db
        .updateTable('calendar_connections')
        .set({ token_ciphertext: this.keyring.encrypt(plain, c.id), token_key_id: current })
        .where('id', '=', c.id)
        .where('token_ciphertext', '=', c.token_ciphertext)
        .execute();
      count++;
    }
    const states = await this.db
      .selectFrom('oauth_states')
      .select(['id', 'nonce_hash', 'verifier_ciphertext'])
      .where('used_at', 'is', null)
      .execute();
    for (const s of states) {
      if (Keyring.keyIdOfEnvelope(s.verifier_ciphertext) === current) continue;
      const plain = this.keyring.decrypt(s.verifier_ciphertext, s.nonce_hash);
      await this.db
        .updateTable('oauth_states')
        .set({ verifier_ciphertext: this.keyring.encrypt(plain, s.nonce_hash) })
        .where('id', '=', s.id)
        .execute();
      count++;
    }
    return count;
  }

  /** Key ids still referenced by stored ciphertexts. */
  async keyIdsInUse(): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('calendar_connections')
      .select('token_key_id')
      .where('token_key_id', 'is not', null)
      .distinct()
      .execute();
    return new Set(rows.map((r) => r.token_key_id!));
  }
}
