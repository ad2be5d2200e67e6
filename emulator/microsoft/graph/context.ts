// The context every Graph route module receives. Kept apart from ../contracts.ts, which the directory and the store
// import: declaring it there made contracts.ts, directory.ts and graph/store.ts import each other.
import type { Authenticate, Clock } from '../contracts.js';
import type { Directory } from '../directory.js';
import type { MailboxStore } from './store.js';

/**
 * What every Graph route module receives. Route modules are Fastify plugins registered under `/v1.0`:
 * `export default async function routes(app: FastifyInstance, ctx: GraphContext): Promise<void>`.
 * The store type is the Graph surface's own (store.ts).
 */
export interface GraphContext {
  authenticate: Authenticate;
  directory: Directory;
  store: MailboxStore;
  /** Public base URL without trailing slash, e.g. `https://127.0.0.1:8443`; used in @odata links. */
  baseUrl: () => string;
  clock: Clock;
}
