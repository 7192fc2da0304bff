import { AgentModule } from '../agent';
import { Module } from '@nestjs/common';
import { LiveEvents } from './fanout/live-events';
import { LiveEventsMetrics } from './fanout/live-events.metrics';
import { SessionsModule } from '../sessions';
import { SessionRooms } from './socket/session-rooms';
import { SessionsGateway } from './socket/sessions.gateway';
import { SocketConnections } from './socket/socket-connections';
import { SessionEventsService } from './sse/session-events.service';
import { SessionEventsController } from './sse/session-events.controller';
import { SseConnections } from './sse/sse-connections';

/**
 * Live sessions over socket.io and SSE: domain events from this instance's LISTEN connection,
 * fanned out to its own sockets and streams. Registers both connection kinds with the lifecycle's
 * LongLivedConnections, through which the shutdown drains them.
 */
@Module({
  imports: [SessionsModule, AgentModule],
  controllers: [SessionEventsController],
  providers: [
    LiveEvents,
    LiveEventsMetrics,
    SessionRooms,
    SocketConnections,
    SessionsGateway,
    SseConnections,
    SessionEventsService,
  ],
  exports: [SocketConnections, SseConnections],
})
export class GatewayModule {}
