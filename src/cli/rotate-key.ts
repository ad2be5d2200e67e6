// `calbridge rotate-key`: a new key (embedded key file) or the configured new key; re-encrypts every stored token.
import type { Config } from '../config/config.js';
import type { Out } from './out.js';
import { createContainer } from '../main/container.js';
import { pruneKeyFile, rotateKeyFile } from '../stores/crypto/keyring.js';

export async function runRotateKey(config: Config, out: Out): Promise<void> {
  const c = await createContainer(config);
  try {
    const before = c.keyring.currentId;
    if (c.keyFile) c.vault.useKeyring(rotateKeyFile(c.keyFile));
    const count = await c.vault.reencryptAll();
    if (c.keyFile) pruneKeyFile(c.keyFile, await c.vault.keyIdsInUse());
    const after = c.keyFile
      ? (await import('../stores/crypto/keyring.js')).loadOrCreateKeyFile(c.keyFile).currentId
      : c.keyring.currentId;
    out(`Re-encrypted ${count} secret(s) with key ${after} (was ${before}).`, {
      reencrypted: count,
      keyId: after,
      previousKeyId: before,
    });
  } finally {
    await c.close();
  }
}
