import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRIC_NAMES } from '../../common/metrics/metric-names';
import type { TokenUsage } from '../providers/model-provider';

/** Runs by outcome, time to first token, run duration, tokens, provider errors by code. */
@Injectable()
export class AgentRunMetrics {
  private readonly runs: Counter<'outcome'>;
  private readonly firstTokenSeconds: Histogram;
  private readonly durationSeconds: Histogram;
  private readonly tokens: Counter<'direction'>;
  private readonly providerErrors: Counter<'code'>;

  constructor(registry: Registry) {
    this.runs = new Counter({
      name: METRIC_NAMES.agentRuns,
      help: 'Assistant runs ended, by outcome (completed, failed, cancelled, requeued)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.firstTokenSeconds = new Histogram({
      name: METRIC_NAMES.agentFirstTokenSeconds,
      help: 'From the start of a run to the first streamed text',
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers: [registry],
    });
    this.durationSeconds = new Histogram({
      name: METRIC_NAMES.agentRunDurationSeconds,
      help: 'Duration of completed runs',
      buckets: [0.5, 1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    });
    this.tokens = new Counter({
      name: METRIC_NAMES.agentTokens,
      help: 'Model tokens used by completed runs, from the provider’s usage metadata',
      labelNames: ['direction'],
      registers: [registry],
    });
    this.providerErrors = new Counter({
      name: METRIC_NAMES.agentProviderErrors,
      help: 'Model provider errors that failed a run, by code',
      labelNames: ['code'],
      registers: [registry],
    });
  }

  firstToken(seconds: number): void {
    this.firstTokenSeconds.observe(seconds);
  }

  finished(outcome: string, seconds?: number, usage?: TokenUsage): void {
    this.runs.inc({ outcome });
    if (seconds !== undefined) {
      this.durationSeconds.observe(seconds);
    }
    if (usage !== undefined) {
      this.tokens.inc({ direction: 'in' }, usage.inputTokens);
      this.tokens.inc({ direction: 'out' }, usage.outputTokens);
    }
  }

  providerError(code: string): void {
    this.providerErrors.inc({ code });
  }
}
