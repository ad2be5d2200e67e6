// Rich change notifications (includeResourceData): encrypted resource data and signed validation tokens.
import {
  createCipheriv,
  createHmac,
  generateKeyPair,
  publicEncrypt,
  randomBytes,
  constants,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { SignJWT } from 'jose';
import { GraphHttpError } from './errors.js';

/** The app id Graph's change-tracking service signs validation tokens as (`azp` claim). */
export const CHANGE_TRACKING_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';

/** Parses a subscription's `encryptionCertificate` (base64 DER or PEM); 400 when it is not a certificate. */
export function parseEncryptionCertificate(value: string): X509Certificate {
  try {
    const pem = value.includes('BEGIN CERTIFICATE') ? value : null;
    return new X509Certificate(pem ?? Buffer.from(value.replace(/\s+/g, ''), 'base64'));
  } catch {
    throw new GraphHttpError(
      400,
      'InvalidRequest',
      'encryptionCertificate must be a base64-encoded X.509 certificate with a public key.',
    );
  }
}

/**
 * Encrypts resource data as Graph does: a random 32-byte key wrapped with RSA-OAEP for the app's certificate,
 * AES-256-CBC (IV = first 16 key bytes, PKCS7) over the JSON, HMAC-SHA256 signature with the same key.
 */
export function encryptResourceData(cert: X509Certificate, certificateId: string, data: unknown) {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return {
    data: encrypted.toString('base64'),
    dataSignature: createHmac('sha256', key).update(encrypted).digest('base64'),
    dataKey: publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, key).toString('base64'),
    encryptionCertificateId: certificateId,
    encryptionCertificateThumbprint: cert.fingerprint.replace(/:/g, '').toUpperCase(),
  };
}

/** Signs validation tokens (JWTs for the subscribing app) with the emulator's change-tracking key. */
export class ValidationTokenSigner {
  // Made on the first token (off the main thread), not with the emulator: an RSA key took 0.1–0.4 s of every start.
  private key: Promise<KeyObject> | null = null;

  async sign(tenantId: string, appId: string, nowMs: number): Promise<string> {
    this.key ??= new Promise<KeyObject>((resolve, reject) =>
      generateKeyPair('rsa', { modulusLength: 2048 }, (e, _pub, priv) => (e ? reject(e) : resolve(priv))),
    );
    const key = await this.key;
    const iat = Math.floor(nowMs / 1000);
    return new SignJWT({ azp: CHANGE_TRACKING_APP_ID, azpacr: '2', ver: '1.0', tid: tenantId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(`https://sts.windows.net/${tenantId}/`)
      .setAudience(appId)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + 3600)
      .sign(key);
  }
}
