import { Module } from '@nestjs/common';
import { Authenticator } from './authenticator';

/** Token verification (AUTH_ENABLED); the sessions' PrincipalResolver is its one user. */
@Module({
  providers: [Authenticator],
  exports: [Authenticator],
})
export class AuthModule {}
