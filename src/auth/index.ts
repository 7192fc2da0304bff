/**
 * Authentication as the other folders see it: they import from '../auth' only (the lint rules
 * enforce it; see docs/architecture.md). It verifies tokens and knows no feature.
 */
export { AuthModule } from './auth.module';
export { Authenticator } from './authenticator';
export { bearerToken } from './bearer-token';
export {
  AuthenticationRequiredException,
  AuthUnavailableException,
  InvalidTokenException,
} from './auth.exceptions';
export {
  ACCESS_TOKEN_PARAM,
  ACCESS_TOKEN_QUERY,
  AccessTokenQuery,
  accessTokenParam,
  PUBLIC_ROUTE,
  PublicRoute,
} from './route-access.decorators';
export { ApiAuthenticated, BEARER_SCHEME } from './api-authenticated.decorator';
