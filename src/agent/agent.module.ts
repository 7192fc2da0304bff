import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { CHECKPOINT_SCHEMA } from '../database/migrations/checkpoint-schema';
import { StartupChecks } from '../lifecycle/startup-checks';
import { SessionsModule } from '../sessions';
import { AgentEvents } from './events/agent-events';
import { ConversationGraph } from './graph/conversation-graph';
import { TrackedCheckpointer } from './graph/tracked-checkpointer';
import type { TurnAttempt } from './graph/turn-context';
import { queryRows } from '../database/query-rows';
import { runIsCurrentStatement } from './sql/run.sql';
import { registerModelCheck } from './model/model-check';
import { ModelStatus } from './model/model-status';
import { providerFromConfig } from './model/provider-from-config';
import { createModelProvider } from './providers/create-model-provider';
import { MODEL_PROVIDER } from './providers/model-provider.token';
import type { ModelProvider } from './providers/model-provider';
import { AgentRunMetrics } from './runs/agent-run.metrics';
import { RunExecutor } from './runs/run-executor';
import { RunWorker } from './runs/run-worker';
import { RunsController } from './runs/runs.controller';
import { RunsService } from './runs/runs.service';

/**
 * The assistant: every user message starts a run that produces one assistant message, streamed
 * to clients as `message.delta` events on the way (docs/architecture.md, "The assistant").
 */
@Module({
  imports: [SessionsModule],
  controllers: [RunsController],
  providers: [
    {
      provide: MODEL_PROVIDER,
      inject: [ConfigService, StartupChecks],
      // Async: the provider's package is loaded only when AGENT_PROVIDER picks it (see
      // createModelProvider); Nest awaits it while it creates the application, before READY.
      useFactory: async (
        config: ConfigService<AppConfig, true>,
        checks: StartupChecks,
      ): Promise<ModelProvider> => {
        const agent = config.getOrThrow('agent', { infer: true });
        const provider = await createModelProvider(providerFromConfig(agent));
        if (agent.provider === 'offline' && agent.checkModelAtStartup) {
          new Logger('AgentModule').warn(
            'AGENT_PROVIDER=offline in a deployed environment: users get the scripted assistant',
          );
        }
        registerModelCheck(checks, provider, {
          enabled: agent.checkModelAtStartup,
          timeoutMs: agent.modelCheckTimeoutMs,
        });
        return provider;
      },
    },
    {
      provide: ModelStatus,
      inject: [MODEL_PROVIDER],
      useFactory: (provider: ModelProvider) => new ModelStatus(provider.describe()),
    },
    {
      provide: ConversationGraph,
      inject: [MODEL_PROVIDER, DataSource],
      useFactory: (provider: ModelProvider, dataSource: DataSource) => {
        // The app's own pool (TypeORM's pg driver keeps it as `master`).
        const pool = (dataSource.driver as unknown as { master: Pool }).master;
        const isCurrent = async ({ runId, attempt }: TurnAttempt): Promise<boolean> =>
          (await queryRows(dataSource.manager, runIsCurrentStatement(runId, attempt))).length > 0;
        return new ConversationGraph(
          provider,
          new TrackedCheckpointer(pool, { schema: CHECKPOINT_SCHEMA }, isCurrent),
        );
      },
    },
    AgentEvents,
    AgentRunMetrics,
    RunExecutor,
    RunWorker,
    RunsService,
  ],
  exports: [AgentEvents, RunsService, ModelStatus, RunWorker],
})
export class AgentModule {}
