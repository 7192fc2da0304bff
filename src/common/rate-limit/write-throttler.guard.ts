import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import type { Socket } from 'socket.io';
import type { AppConfig } from '../../config/app-config';
import { TooManyRequestsException } from '../errors/too-many-requests.exception';
import { isProbePath } from '../logging/logger-options';
import { callerKey, handshakeAddress } from './caller-key';
import type { TrustProxy } from './client-address';
import { REQUEST_OWNER, type RequestOwner } from './request-owner';

/** Methods that change nothing: reads, preflights and SSE streams are not limited. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** socket.io events that write (a message) or cost a read of what was missed (a join). */
const LIMITED_EVENTS = new Set(['message:create', 'session:join']);

/** What the tracker needs from a REST request or a socket.io handshake alike. */
interface Caller {
  /**
   * The principal already resolved: by the AuthenticationGuard for REST (RequestOwner), by the
   * gateway's handshake for a socket (socket.data.principal).
   */
  ownerId: string | undefined;
  address: () => string;
}

/**
 * Limits writes, REST and socket.io together, per principal: one bucket per owner across every
 * route and event, so a client cannot multiply its budget by spreading writes. While
 * authentication is off everyone is the same local owner, and one bucket for everybody would let
 * one client starve the rest: anonymous callers, and a request whose credentials do not resolve,
 * are keyed by client address instead (express `trust proxy` decides which address that is).
 * Probes and metrics are never limited. Counts live in this replica's memory (docs/http-limits.md).
 */
@Injectable()
export class WriteThrottlerGuard extends ThrottlerGuard {
  private readonly perMinute: number;
  private readonly localOwnerId: string;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(REQUEST_OWNER) private readonly owners: RequestOwner,
    private readonly adapterHost: HttpAdapterHost,
    config: ConfigService<AppConfig, true>,
  ) {
    super(options, storage, reflector);
    this.perMinute = config.getOrThrow('rateLimit', { infer: true }).perMinute;
    this.localOwnerId = config.getOrThrow('principal', { infer: true }).localOwnerId;
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (this.perMinute === 0) {
      return Promise.resolve(true);
    }
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      return Promise.resolve(SAFE_METHODS.has(req.method) || isProbePath(req.originalUrl));
    }
    if (context.getType() === 'ws') {
      return Promise.resolve(!LIMITED_EVENTS.has(context.switchToWs().getPattern()));
    }
    return Promise.resolve(true);
  }

  /** A socket.io event has no response to put headers on: `res` takes none. */
  protected override getRequestResponse(context: ExecutionContext): {
    req: Record<string, unknown>;
    res: Record<string, unknown>;
  } {
    if (context.getType() === 'ws') {
      const socket = context.switchToWs().getClient<Socket>();
      const data = socket.data as { principal?: { ownerId?: unknown } } | undefined;
      const ownerId = data?.principal?.ownerId;
      const caller: Caller = {
        ownerId: typeof ownerId === 'string' ? ownerId : undefined,
        address: () => handshakeAddress(socket, this.trustProxy()),
      };
      return { req: { caller }, res: {} };
    }
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const caller: Caller = {
      ownerId: this.owners.ownerIdOf(req),
      address: () => req.ip ?? '',
    };
    return { req: { caller }, res: http.getResponse<Record<string, unknown>>() };
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const caller = req.caller as Caller;
    return Promise.resolve(callerKey(caller.ownerId, this.localOwnerId, caller.address));
  }

  /** One bucket per caller, whatever the route or event (the default keys by handler too). */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    throttlerName: string,
  ): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new TooManyRequestsException(Math.max(1, detail.timeToBlockExpire));
  }

  private trustProxy(): TrustProxy {
    const express = this.adapterHost.httpAdapter.getInstance<{ get(key: string): unknown }>();
    return express.get('trust proxy fn') as TrustProxy;
  }
}
