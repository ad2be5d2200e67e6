// Local certificate authority and server certificate for the emulator's HTTPS endpoints (generated once, reused).
import { constants, generateKeyPair, privateEncrypt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import forge from 'node-forge';

/** PEM material the HTTPS server and its clients need. */
export interface TlsMaterial {
  /** Path of the CA certificate clients must trust (e.g. NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** CA certificate (PEM). */
  caPem: string;
  /** Server private key (PEM). */
  key: string;
  /** Server certificate (PEM) for localhost, 127.0.0.1 and ::1. */
  cert: string;
}

const FILES = { ca: 'ca.pem', caKey: 'ca-key.pem', cert: 'server.pem', key: 'server-key.pem' } as const;

/**
 * How far back certificates are valid from: two years, so material made under a clock moved forward (the time-pinned
 * test runs, up to a few months ahead) still serves at the real time, and a run beside it never replaces the files
 * another one is reading.
 */
const BACKDATE_MS = 2 * 365 * 24 * 3600_000;

/** The default data folder, relative to the current directory. */
export const DEFAULT_DATA_DIR = './data/emulator';

function serial(): string {
  // Positive 16-byte serial (leading nibble < 8 keeps it positive in DER).
  return '1' + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

/**
 * A key pair as the certificates below use it: node-forge's public key, something node-forge's `cert.sign` can sign
 * with, and the private key's PEM. Keys made by Node sign with Node (RSA in C++ instead of node-forge's JavaScript,
 * about 0.2–0.7 s of a first start's main thread; issue 20).
 */
interface CertKeys {
  publicKey: forge.pki.PublicKey;
  privateKey: { sign(md: forge.md.MessageDigest): string };
  privatePem: string;
}

const fromForge = (k: forge.pki.rsa.KeyPair): CertKeys => ({
  publicKey: k.publicKey,
  privateKey: k.privateKey,
  privatePem: forge.pki.privateKeyToPem(k.privateKey),
});

/** DER prefix of a SHA-256 DigestInfo (RFC 8017, 9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** A Node-made RSA key pair (PEM) as CertKeys: RSASSA-PKCS1-v1_5 over node-forge's SHA-256 of the TBS certificate. */
const fromNode = (publicPem: string, privatePem: string): CertKeys => ({
  publicKey: forge.pki.publicKeyFromPem(publicPem),
  privateKey: {
    sign: (md) => {
      if (md.algorithm !== 'sha256') throw new Error(`unsupported digest ${md.algorithm}`);
      const info = Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')]);
      return privateEncrypt({ key: privatePem, padding: constants.RSA_PKCS1_PADDING }, info).toString('binary');
    },
  },
  privatePem,
});

function createCa(
  years: number,
  keys: CertKeys = fromForge(forge.pki.rsa.generateKeyPair(2048)),
): { cert: forge.pki.Certificate; keys: CertKeys } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - BACKDATE_MS);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * 24 * 3600_000);
  const attrs = [
    { name: 'commonName', value: 'calbridge emulator local CA' },
    { name: 'organizationName', value: 'calbridge emulator' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert, keys };
}

function createServerCert(
  ca: { cert: forge.pki.Certificate; keys: CertKeys },
  years: number,
  keys: CertKeys = fromForge(forge.pki.rsa.generateKeyPair(2048)),
): { cert: forge.pki.Certificate; keys: CertKeys } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - BACKDATE_MS);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ]);
  cert.sign(ca.keys.privateKey as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert, keys };
}

/** Whether a PEM certificate is valid at this instant. */
function validNow(pem: string): boolean {
  try {
    const { notBefore, notAfter } = forge.pki.certificateFromPem(pem).validity;
    const now = Date.now();
    return notBefore.getTime() <= now && now <= notAfter.getTime();
  } catch {
    return false;
  }
}

/**
 * Returns the emulator's CA and server certificate from `dataDir`, generating them on first use.
 * Generation takes a second or two (two RSA 2048 keys); later calls only read the files.
 *
 * @example
 * const tls = ensureTlsMaterial('./data/emulator');
 * https.createServer({ key: tls.key, cert: tls.cert });
 */
export function ensureTlsMaterial(dataDir: string = DEFAULT_DATA_DIR, opts: { years?: number } = {}): TlsMaterial {
  return keptMaterial(dataDir) ?? writeMaterial(dataDir, opts);
}

/**
 * The same as {@link ensureTlsMaterial}, with the two RSA keys of a first start generated at once on libuv's thread
 * pool instead of one after the other on the calling thread (0.5–2.5 s of a fresh `npm start`'s main thread; issue 20).
 */
export async function ensureTlsMaterialAsync(
  dataDir: string = DEFAULT_DATA_DIR,
  opts: { years?: number } = {},
): Promise<TlsMaterial> {
  const kept = keptMaterial(dataDir);
  if (kept) return kept;
  const [caKeys, serverKeys] = await Promise.all([rsaKeyPair(), rsaKeyPair()]);
  return writeMaterial(dataDir, opts, { ca: caKeys, server: serverKeys });
}

/** An RSA 2048 key pair made by Node on the thread pool. */
function rsaKeyPair(): Promise<CertKeys> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      },
      (e, publicKey, privateKey) => (e ? reject(e) : resolve(fromNode(publicKey, privateKey))),
    ),
  );
}

/** The material in `dataDir` when all of it is there and valid now. */
function keptMaterial(dataDir: string): TlsMaterial | null {
  const dir = resolve(dataDir);
  const path = (f: string) => join(dir, f);
  const caFile = path(FILES.ca);
  if (![FILES.ca, FILES.cert, FILES.key].every((f) => existsSync(path(f)))) return null;
  const kept = {
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    key: readFileSync(path(FILES.key), 'utf8'),
    cert: readFileSync(path(FILES.cert), 'utf8'),
  };
  // Made under another clock (expired, or not yet valid after the clock moved back): made anew.
  return validNow(kept.cert) && validNow(kept.caPem) ? kept : null;
}

function writeMaterial(
  dataDir: string,
  opts: { years?: number },
  keys?: { ca: CertKeys; server: CertKeys },
): TlsMaterial {
  const dir = resolve(dataDir);
  const path = (f: string) => join(dir, f);
  const caFile = path(FILES.ca);
  mkdirSync(dir, { recursive: true });
  const years = opts.years ?? 5;
  const ca = createCa(years, keys?.ca);
  const server = createServerCert(ca, years, keys?.server);
  const material: TlsMaterial = {
    caFile,
    caPem: forge.pki.certificateToPem(ca.cert),
    key: server.keys.privatePem,
    cert: forge.pki.certificateToPem(server.cert),
  };
  // Each file whole or not at all (written aside, then renamed): a process starting beside this one reads either the
  // old material or the new, never half a file.
  const put = (f: string, text: string, mode?: number) => {
    const tmp = `${path(f)}.${process.pid}.tmp`;
    writeFileSync(tmp, text, mode === undefined ? undefined : { mode });
    renameSync(tmp, path(f));
  };
  put(FILES.caKey, ca.keys.privatePem, 0o600);
  put(FILES.key, material.key, 0o600);
  put(FILES.cert, material.cert);
  put(FILES.ca, material.caPem);
  return material;
}
