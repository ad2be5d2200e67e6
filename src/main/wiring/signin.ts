// Wires sign-in with Microsoft and Google (OpenID Connect) on the container: the providers' client settings come from
// the Outlook and Google wiring (same app registrations as the calendar connects, so one consent can cover both), flows
// and people from PgSignInStore.
import { signInRoutes, SIGNIN_PUBLIC_PATHS, type SignInConnector } from '../../http/routes/auth-signin.js';
import type { RouteModule } from '../../http/app-deps.js';
import type { Clock } from '../../ports/clock.js';
import { SignInService, type OidcSource } from '../../services/tenancy/signin-service.js';
import { PgSignInStore } from '../../stores/signin-store.js';
import type { Container } from '../container.js';

export interface SignInWiring {
  service: SignInService;
  modules: RouteModule[];
  publicPaths: RegExp[];
}

export function createSignIn(
  container: Container,
  o: {
    microsoft: OidcSource | null;
    google: OidcSource | null;
    clock: Clock;
    /** The providers' calendar connects, for "sign in and connect my calendar" (same clients as the sign-in). */
    connect?: { microsoft?: SignInConnector; google?: SignInConnector };
  },
): SignInWiring {
  const service = new SignInService({
    providers: { microsoft: o.microsoft, google: o.google },
    store: new PgSignInStore(container.database.db),
    sessions: container.sessions,
    sealer: container.vault,
    audit: container.audit,
    clock: o.clock,
  });
  return { service, modules: [signInRoutes(service, o.connect ?? {})], publicPaths: SIGNIN_PUBLIC_PATHS };
}
