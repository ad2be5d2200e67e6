// Who may read /metrics (the service's and a worker's --metrics-port): the token's bearers, else loopback clients.
import { describe, expect, it } from 'vitest';
import { metricsAccess } from './metrics-access.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('metricsAccess', () => {
  it('without a token: loopback peers only, whatever they send', () => {
    for (const ip of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1'])
      expect(metricsAccess({ token: null, authorization: undefined, remoteAddress: ip }), ip).toBe('allowed');
    for (const ip of ['203.0.113.9', '10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', '', undefined])
      expect(metricsAccess({ token: null, authorization: 'Bearer x', remoteAddress: ip }), String(ip)).toBe('hidden');
  });

  it('with a token: exactly `Bearer <token>`, from any peer, loopback included', () => {
    expect(metricsAccess({ token: TOKEN, authorization: `Bearer ${TOKEN}`, remoteAddress: '203.0.113.9' })).toBe(
      'allowed',
    );
    expect(metricsAccess({ token: TOKEN, authorization: `bearer  ${TOKEN} `, remoteAddress: '::1' })).toBe('allowed');
    for (const auth of [undefined, '', TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`])
      expect(metricsAccess({ token: TOKEN, authorization: auth, remoteAddress: '127.0.0.1' }), String(auth)).toBe(
        'unauthenticated',
      );
  });
});
