// `calbridge/vault`: token encryption (AES-256-GCM, key ids, rotation) and the Postgres vault calbridge uses by default.
// A host with its own storage implements `TokenVault` and keeps the keyring.
export { Keyring, keyIdOf, loadOrCreateKeyFile, rotateKeyFile, pruneKeyFile } from '../stores/crypto/keyring.js';
export { PgTokenVault } from '../stores/token-vault.js';
export type { TokenSecret, TokenVault } from '../ports/stores.js';
