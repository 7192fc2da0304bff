import { Module } from '@nestjs/common';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { ResolvePrincipalPipe } from './principal/current-principal.decorator';
import { PrincipalResolver } from './principal/principal';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/**
 * Sessions, their phase machine and messages. Exports the services and the PrincipalResolver for
 * the gateway (socket.io / SSE), which uses the same owner scoping. The DataSource comes from the
 * global DatabaseModule; the entities are registered in src/database/entities.ts.
 */
@Module({
  controllers: [SessionsController, MessagesController],
  providers: [SessionsService, MessagesService, PrincipalResolver, ResolvePrincipalPipe],
  exports: [SessionsService, MessagesService, PrincipalResolver],
})
export class SessionsModule {}
