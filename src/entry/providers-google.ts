// `calbridge/providers/google`: the Google Calendar adapter, its decorated transport and its OAuth client.
export * from '../providers/google/index.js';
export type { TokenSource } from '../providers/google/client.js';
export type { HttpTransport, RetryOptions, Timing } from '../providers/decorators/index.js';
