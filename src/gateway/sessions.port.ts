/**
 * Everything the gateway uses from the sessions feature, in one place: the contract between the
 * two (see the Sessions and Gateway issues). If sessions moves a file, only this one changes.
 */
export { PrincipalResolver, type Principal } from '../sessions/principal/principal';
export { SessionsModule } from '../sessions/sessions.module';
export { SessionsService } from '../sessions/sessions.service';
export { MessagesService } from '../sessions/messages.service';
export { SessionDto } from '../sessions/dto/session.dto';
export { MessageDto } from '../sessions/dto/message.dto';
export { CreateMessageDto } from '../sessions/dto/create-message.dto';
