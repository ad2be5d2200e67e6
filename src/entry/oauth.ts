// `calbridge/oauth`: the OAuth clients (authorize URL with PKCE, code exchange, silent refresh, revocation seen as
// `reconnect_required`) and the token manager that keeps access tokens per connection with single-flight refresh.
export {
  MsalOAuthClient,
  userScopes,
  adminScopes,
  type MicrosoftAuthSettings,
} from '../providers/microsoft-graph/auth.js';
export { GoogleOAuthClient, googleScopes, type GoogleAuthSettings } from '../providers/google/auth.js';
export { TokenManager, MemoryTokenCache, type TokenManagerDeps } from '../services/connections/token-manager.js';
export type {
  ConnectionEventBus,
  ConnectionStore,
  OAuthAccount,
  OAuthClient,
  OAuthTokens,
  TokenCacheStore,
} from '../ports/connections.js';
export type { AuditStore, TokenSecret, TokenVault } from '../ports/stores.js';
