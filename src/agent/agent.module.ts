import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { StartupChecks } from '../lifecycle/startup-checks';
import { SessionsModule } from '../sessions';
import { AgentEvents } from './events/agent-events';
import { ConversationGraphLoader } from './graph/conversation-graph-loader';
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
      provide: ConversationGraphLoader,
      inject: [ConfigService, MODEL_PROVIDER, DataSource],
      useFactory: (
        config: ConfigService<AppConfig, true>,
        provider: ModelProvider,
        dataSource: DataSource,
      ): Promise<ConversationGraphLoader> =>
        ConversationGraphLoader.load(
          config.getOrThrow('agent', { infer: true }).runsEnabled,
          provider,
          dataSource,
        ),
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
