// Tests for the emulator's local CA: the server certificate chains to the CA and names the loopback hosts.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ensureTlsMaterial, ensureTlsMaterialAsync } from './tls.js';

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

  it('makes new ones when the kept ones are not valid at this instant (made under another clock)', () => {
    const other = mkdtempSync(join(tmpdir(), 'emu-tls-clock-'));
    try {
      const first = ensureTlsMaterial(other, { years: 1 });
      vi.useFakeTimers({ toFake: ['Date'] });
      // Three years later: the kept certificate has expired.
      vi.setSystemTime(Date.now() + 3 * 366 * 86_400_000);
      const later = ensureTlsMaterial(other, { years: 1 });
      expect(later.caPem).not.toBe(first.caPem);
      expect(Date.parse(new X509Certificate(later.cert).validTo)).toBeGreaterThan(Date.now());
      // Back to today: those are not valid yet, so they are made anew once more.
      vi.useRealTimers();
      const today = ensureTlsMaterial(other, { years: 1 });
      expect(today.caPem).not.toBe(later.caPem);
      expect(Date.parse(new X509Certificate(today.cert).validFrom)).toBeLessThanOrEqual(Date.now());
    } finally {
      vi.useRealTimers();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('keeps material made under a clock a few months ahead (a time-pinned run) for a run at the real time beside it', () => {
    const other = mkdtempSync(join(tmpdir(), 'emu-tls-ahead-'));
    try {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 120 * 86_400_000);
      const ahead = ensureTlsMaterial(other);
      vi.useRealTimers();
      const now = ensureTlsMaterial(other);
      expect(now.caPem).toBe(ahead.caPem);
      expect(now.cert).toBe(ahead.cert);
    } finally {
      vi.useRealTimers();
      rmSync(other, { recursive: true, force: true });
    }
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

describe('ensureTlsMaterialAsync', () => {
  it('makes the same kind of material with keys from the thread pool, and reuses it as the sync version does', async () => {
    const other = mkdtempSync(join(tmpdir(), 'emu-tls-async-'));
    try {
      const tls = await ensureTlsMaterialAsync(other);
      const ca = new X509Certificate(tls.caPem);
      const cert = new X509Certificate(tls.cert);
      expect(ca.ca).toBe(true);
      expect(ca.verify(ca.publicKey)).toBe(true); // the CA's own signature, made by Node's RSA
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkHost('localhost')).toBe('localhost');
      expect(cert.checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
      expect(ensureTlsMaterial(other).cert).toBe(tls.cert);
      expect((await ensureTlsMaterialAsync(other)).caPem).toBe(tls.caPem);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
