import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthModule } from '../auth';
import type { AppConfig } from '../config/app-config';
import { DomainEvents } from './events/domain-events';
import { IdempotentWrites } from './idempotency/idempotent-writes';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { PhaseMachine } from './phase-machine';
import { AuthenticationGuard } from './principal/authentication.guard';
import { ResolvePrincipalPipe } from './principal/current-principal.decorator';
import { PrincipalResolver } from './principal/principal';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/**
 * Sessions, their phase machine, messages and the domain events their writes publish. Exports
 * what the other modules use (listed in index.ts): the services, the event feed and the
 * PrincipalResolver, so the gateway scopes by owner the same way, and the AuthenticationGuard that
 * AppModule registers globally. The DataSource and the LISTEN
 * connection come from the global DatabaseModule; the entities are registered in src/entities.ts.
 */
@Module({
  imports: [AuthModule],
  controllers: [SessionsController, MessagesController],
  providers: [
    SessionsService,
    MessagesService,
    DomainEvents,
    IdempotentWrites,
    PrincipalResolver,
    ResolvePrincipalPipe,
    AuthenticationGuard,
    {
      provide: PhaseMachine,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        new PhaseMachine(config.getOrThrow('payments', { infer: true }).enabled),
    },
  ],
  exports: [SessionsService, MessagesService, DomainEvents, PrincipalResolver, AuthenticationGuard],
})
export class SessionsModule {}
