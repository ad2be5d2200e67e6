// HTTPS plumbing for Microsoft endpoints: an undici Agent trusting an extra CA (the emulator's), a fetch transport
// for Graph, and MSAL's INetworkModule on the same agent (no process-wide NODE_EXTRA_CA_CERTS needed).
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { Agent, fetch as undiciFetch } from 'undici';
import { AppError } from '../../domain/errors.js';
import type { HttpResponse, HttpTransport } from '../decorators/http.js';

/**
 * An agent for Microsoft's endpoints; with `caFile`, it trusts that CA as well as the public roots.
 * @example const agent = createAgent(config.microsoft.caFile);
 */
export function createAgent(caFile: string | null, caPem?: string): Agent {
  const extra = caPem ?? (caFile ? readFileSync(caFile, 'utf8') : null);
  return new Agent({
    keepAliveTimeout: 10_000,
    connections: 64,
    ...(extra ? { connect: { ca: [extra, ...rootCertificates] } } : {}),
  });
}

async function readBody(res: { text(): Promise<string>; headers: Headers }): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** The innermost transport: one HTTPS request through the agent. Network failures stay exceptions (retry sees them). */
export function fetchTransport(agent: Agent, timeoutMs = 60_000): HttpTransport {
  return async (req) => {
    // The request and its body's read abort after timeoutMs with the TimeoutError AbortSignal.timeout gives; the timer
    // is cleared once the answer is read (AbortSignal.timeout's weak timer stayed until it fired: one per request).
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      timeoutMs,
    );
    timer.unref();
    try {
      const res = await undiciFetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: agent,
        signal: abort.signal,
      });
      // the answer's own headers (read-only; nothing downstream writes them) instead of a copy made header by header
      const headers = res.headers;
      const out: HttpResponse = {
        status: res.status,
        headers,
        body: await readBody({ text: () => res.text(), headers }),
      };
      return out;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** MSAL's network module over the agent. Errors reaching the identity platform become `provider_unavailable`. */
export class MsalNetworkClient implements INetworkModule {
  constructor(private readonly agent: Agent) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    let res;
    try {
      res = await undiciFetch(url, {
        method,
        headers: options?.headers,
        body: options?.body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(timeout ?? 30_000),
      });
    } catch (e) {
      throw new AppError('provider_unavailable', 'The Microsoft identity platform cannot be reached.', {
        details: { host: new URL(url).host },
        cause: e,
      });
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      body = {
        error: 'invalid_response',
        error_description: `Non-JSON answer (${res.status}) from the identity platform.`,
      };
    }
    return { headers, body: body as T, status: res.status };
  }
}
