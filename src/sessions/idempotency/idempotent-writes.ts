import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { queryRows, type SqlStatement } from '../../database/query-rows';
import { IdempotencyKeyInProgressException } from '../exceptions/idempotency-key-in-progress.exception';
import { IdempotencyKeyReusedException } from '../exceptions/idempotency-key-reused.exception';
import type { IdempotencyClaim, StoredAnswerRow } from '../sql/idempotency-key.sql';
import { requestFingerprint } from './request-fingerprint';

/** A create's result, and whether it is the stored answer of an earlier request with its key. */
export interface Idempotent<T> {
  value: T;
  replayed: boolean;
}

/** What the idempotency_key_claim function raises while another request holds the key. */
const KEY_IN_PROGRESS = 'RI409';

/**
 * Runs the create statements that may carry an Idempotency-Key. The key rides inside the write's
 * own statement (idempotencyCtes): claimed, checked and stored in the same transaction as the
 * row and its event, so an acknowledged write always has its key and a rolled-back one never
 * does. Only when that statement wrote nothing is the stored answer read, to replay it or to
 * refuse a different body.
 */
@Injectable()
export class IdempotentWrites {
  private readonly ttlMs: number;

  constructor(
    private readonly dataSource: DataSource,
    config: ConfigService<AppConfig, true>,
  ) {
    this.ttlMs = config.getOrThrow('idempotency', { infer: true }).keyTtlMs;
  }

  /** The claim for `key`, bound to this operation and body; undefined without a key. */
  claim(
    ownerId: string,
    key: string | undefined,
    operation: string,
    body: object,
  ): IdempotencyClaim | undefined {
    return key === undefined
      ? undefined
      : { ownerId, key, fingerprint: requestFingerprint(operation, body), ttlMs: this.ttlMs };
  }

  /**
   * The written row, or the stored answer of the claim's key (replayed), or no row: nothing was
   * written and the key has no answer, which the caller explains (a missing session, say).
   */
  async run<Row>(
    write: SqlStatement<Row>,
    claim: IdempotencyClaim | undefined,
    storedAnswer: (claim: IdempotencyClaim) => SqlStatement<StoredAnswerRow<Row>>,
  ): Promise<{ row: Row | undefined; replayed: boolean }> {
    const [row] = await this.rows(write).catch((error: unknown) => {
      const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
      throw code === KEY_IN_PROGRESS ? new IdempotencyKeyInProgressException() : error;
    });
    if (row !== undefined || claim === undefined) {
      return { row, replayed: false };
    }
    const [stored] = await this.rows(storedAnswer(claim));
    if (stored === undefined) {
      return { row: undefined, replayed: false };
    }
    if (stored.fingerprint !== claim.fingerprint) {
      throw new IdempotencyKeyReusedException();
    }
    // The mappers read the row's own columns only; `fingerprint` rides along unread.
    return { row: stored, replayed: true };
  }

  private rows<Row>(statement: SqlStatement<Row>): Promise<Row[]> {
    return queryRows(this.dataSource.manager, statement);
  }
}
