// The webhook URL policy: https to public unicast addresses; loopback (over http too) only when allowed.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../domain/errors.js';
import { addressAllowed, checkWebhookUrl, classifyAddress } from './webhook-url.js';

const refusal = (url: string, allowLoopback: boolean): string | null => {
  try {
    checkWebhookUrl(url, { allowLoopback });
    return null;
  } catch (e) {
    if (!isAppError(e, 'webhook_url_not_allowed')) throw e;
    return String(e.details?.reason);
  }
};

describe('classifyAddress', () => {
  it('tells public, loopback and refused addresses apart, IPv4-mapped IPv6 as its IPv4 address', () => {
    for (const a of ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '[2a00:1450:4001::200e]'])
      expect(classifyAddress(a), a).toBe('public');
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(classifyAddress(a), a).toBe('loopback');
    for (const a of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254', // cloud metadata
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '192.0.2.1',
      '198.18.0.1',
      '240.0.0.1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a00:1', // NAT64 of 10.0.0.1
      '2002:a00:1::', // 6to4 of 10.0.0.1
      '2001:db8::1',
      'example.com',
      '',
    ])
      expect(classifyAddress(a), a).toBe('refused');
  });

  it('permits loopback only with allowLoopback, never private ranges', () => {
    expect(addressAllowed('127.0.0.1', { allowLoopback: false })).toBe(false);
    expect(addressAllowed('127.0.0.1', { allowLoopback: true })).toBe(true);
    expect(addressAllowed('10.0.0.1', { allowLoopback: true })).toBe(false);
    expect(addressAllowed('8.8.8.8', { allowLoopback: false })).toBe(true);
  });
});

describe('checkWebhookUrl', () => {
  it('accepts https to a host name or a public address', () => {
    for (const u of ['https://hooks.example.com/calbridge', 'https://8.8.8.8:8443/x?y=1', 'https://[2606:4700::1111]/'])
      expect(refusal(u, false), u).toBeNull();
  });

  it('refuses other schemes, http, credentials, and literal loopback, private, link-local or reserved addresses', () => {
    for (const u of [
      'http://hooks.example.com/',
      'ftp://hooks.example.com/',
      'file:///etc/passwd',
      'gopher://127.0.0.1:6379/',
      'https://user:pw@hooks.example.com/',
      'https://127.0.0.1/',
      'https://0x7f.1/',
      'https://2130706433/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://localhost/',
      'https://api.localhost./',
      'https://10.0.0.1/',
      'https://192.168.0.10/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://0.0.0.0/',
      'not a url',
    ])
      expect(refusal(u, false), u).not.toBeNull();
  });

  it('with allowLoopback accepts loopback over http or https, and still refuses private ranges and http elsewhere', () => {
    for (const u of ['http://127.0.0.1:9/hook', 'https://127.0.0.1/', 'http://[::1]:8080/', 'http://localhost:3000/x'])
      expect(refusal(u, true), u).toBeNull();
    for (const u of [
      'http://10.0.0.1/',
      'https://192.168.1.1/',
      'http://hooks.example.com/',
      'https://169.254.169.254/',
    ])
      expect(refusal(u, true), u).not.toBeNull();
  });
});
