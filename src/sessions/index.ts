/**
 * The sessions feature as other modules see it: they import from here ('../sessions') and nowhere
 * deeper (the lint rules enforce it; see docs/architecture.md). What is not listed is internal.
 */
export { SessionsModule } from './sessions.module';

export { SessionsService } from './sessions.service';
export { SessionDto } from './dto/session.dto';
export { SessionIdParams } from './dto/session-id.params';
export { SessionPhase } from './session-phase';

export { MessagesService } from './messages.service';
export { CreateMessageDto } from './dto/create-message.dto';
export { MessageDto } from './dto/message.dto';
export { MessagePageDto } from './dto/message-page.dto';
export { MessageRole } from './message-role';
export { IdempotencyKeyField } from './idempotency/idempotency-key-field.decorator';

export { DomainEvents } from './events/domain-events';
export type { DomainEvent } from './events/domain-event';
export { DOMAIN_EVENTS_CHANNEL } from './events/domain-events-channel';

export { PrincipalResolver, type Principal } from './principal/principal';
export { CurrentPrincipal } from './principal/current-principal.decorator';
export { AuthenticationGuard, resolvedPrincipal } from './principal/authentication.guard';
export { ApiErrorResponses } from './api-error-responses.decorator';
export { SessionNotFoundException } from './exceptions/session-not-found.exception';

// The tables, for features whose own tables refer to them.
export { RenovationSession } from './entities/renovation-session.entity';
export { Message } from './entities/message.entity';
