// `calbridge/providers/microsoft`: the Microsoft Graph calendar adapter, its decorated transport and its OAuth client.
export * from '../providers/microsoft-graph/index.js';
export type { TokenSource } from '../providers/microsoft-graph/client.js';
export type { HttpTransport, RetryOptions, Timing } from '../providers/decorators/index.js';
