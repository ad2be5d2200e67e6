// Tests for the emulator's local CA: the server certificate chains to the CA and names the loopback hosts.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTlsMaterial } from './tls.js';

const dir = mkdtempSync(join(tmpdir(), 'emu-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureTlsMaterial', () => {
  const tls = ensureTlsMaterial(dir);

  it('issues a server certificate signed by the CA for localhost, 127.0.0.1 and ::1', () => {
    const ca = new X509Certificate(tls.caPem);
    const cert = new X509Certificate(tls.cert);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('example.org')).toBeUndefined();
    expect(cert.checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
  });

  it('reuses the files on the next call', () => {
    const before = statSync(tls.caFile).mtimeMs;
    const again = ensureTlsMaterial(dir);
    expect(again.caPem).toBe(tls.caPem);
    expect(again.cert).toBe(tls.cert);
    expect(statSync(tls.caFile).mtimeMs).toBe(before);
  });

  it('lets a TLS client that trusts only the CA connect to 127.0.0.1', async () => {
    const server = createServer({ key: tls.key, cert: tls.cert }, (s) => s.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const authorized = await new Promise<boolean>((res, rej) => {
        const sock: TLSSocket = connect({ host: '127.0.0.1', port, ca: [tls.caPem] }, () => {
          res(sock.authorized);
          sock.end();
        });
        sock.on('error', rej);
      });
      expect(authorized).toBe(true);
      const rejected = await new Promise<string>((res) => {
        const sock = connect({ host: '127.0.0.1', port }, () => res('connected'));
        sock.on('error', (e: NodeJS.ErrnoException) => res(e.code ?? 'error'));
      });
      expect(rejected).not.toBe('connected');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
