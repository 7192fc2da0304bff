import { Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { filter, map, type Observable, Subject } from 'rxjs';

export interface Notification {
  channel: string;
  payload: string;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

/**
 * One dedicated Postgres connection that LISTENs on the channels its consumers ask for (listen())
 * and re-publishes what arrives; it knows no channel itself. Pooled connections cannot LISTEN (the pool hands them to other queries), so this owns a
 * plain pg Client and reconnects with capped exponential backoff when it drops. `reconnected$`
 * fires after a reconnect: notifications sent while it was down are lost, so consumers tell their
 * clients to resync from the database.
 */
@Injectable()
export class NotificationListener {
  private readonly logger = new Logger(NotificationListener.name);
  private readonly channels = new Set<string>();
  private client: Client | undefined;
  private listening = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs = MIN_BACKOFF_MS;

  readonly notifications$ = new Subject<Notification>();

  /**
   * One channel's events, parsed by `parse` (null: not an event, dropped), in the order Postgres
   * delivered them. Each feature that publishes on a channel reads it this way.
   */
  events$<T>(channel: string, parse: (payload: string) => T | null): Observable<T> {
    return this.notifications$.pipe(
      filter((notification) => notification.channel === channel),
      map((notification) => parse(notification.payload)),
      filter((event): event is T => event !== null),
    );
  }
  readonly reconnected$ = new Subject<void>();

  constructor(private readonly url: string) {}

  isListening(): boolean {
    return this.listening;
  }

  /** Connects; rejects if the first connection fails (startup treats that as fatal). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** LISTENs on `channel` now (when connected) and again after every reconnect. */
  async listen(channel: string): Promise<void> {
    if (this.channels.has(channel)) {
      return;
    }
    this.channels.add(channel);
    await this.client?.query(`LISTEN ${this.client.escapeIdentifier(channel)}`);
  }

  /** Ends the connection for good; no reconnect follows. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.listening = false;
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.end();
    }
    this.notifications$.complete();
    this.reconnected$.complete();
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: 'renovation-agent-listener',
    });
    client.on('notification', (message) => {
      this.notifications$.next({ channel: message.channel, payload: message.payload ?? '' });
    });
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client, new Error('connection ended')));
    await client.connect();
    for (const channel of this.channels) {
      await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    }
    this.client = client;
    this.listening = true;
    this.backoffMs = MIN_BACKOFF_MS;
  }

  private onConnectionLost(client: Client, error: Error): void {
    if (this.stopped || client !== this.client) {
      return;
    }
    this.client = undefined;
    this.listening = false;
    this.logger.warn(`LISTEN connection lost (${error.message}); reconnecting`);
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => {
          this.logger.log('LISTEN connection restored');
          this.reconnected$.next();
        },
        (error: unknown) => {
          this.logger.warn(
            `LISTEN reconnect failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          this.scheduleReconnect();
        },
      );
    }, delay);
  }
}
