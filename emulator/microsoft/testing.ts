// Test helpers for code that talks to the emulator: trust its CA in-process, MSAL configuration, auto-consent sign-in.
import { rootCertificates } from 'node:tls';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import type { Configuration } from '@azure/msal-node';

/**
 * Makes Node's global `fetch` (used by MSAL and the Graph client) trust the emulator's CA besides the public roots.
 * Returns a function restoring the previous dispatcher.
 */
export function trustEmulatorCa(caPem: string): () => void {
  const previous: Dispatcher = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { ca: [caPem, ...rootCertificates] } }));
  return () => setGlobalDispatcher(previous);
}

/** MSAL ConfidentialClientApplication configuration for the emulator (https authority, known authority host:port). */
export function msalConfig(
  baseUrl: string,
  app: { clientId: string; clientSecret: string },
  tenant = 'common',
): Configuration {
  return {
    auth: {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      authority: `${baseUrl}/${tenant}`,
      knownAuthorities: [new URL(baseUrl).host],
    },
  };
}

/** Follows an authorize URL without a browser (auto-consent or prompt=none); returns the redirect's query. */
export async function followAuthorize(url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) {
    throw new Error(`authorize answered ${res.status} without a redirect: ${(await res.text()).slice(0, 300)}`);
  }
  return new URL(location).searchParams;
}
