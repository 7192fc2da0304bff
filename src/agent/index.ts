/**
 * The assistant as other modules see it: the gateway forwards its events and shows a reply in
 * progress to a joining client; health reports the model and the runs. Nothing deeper is public.
 */
export { AgentModule } from './agent.module';
export { AgentEvents } from './events/agent-events';
export type { AgentEvent } from './events/agent-event';
export { RunsService } from './runs/runs.service';
export { RunWorker } from './runs/run-worker';
export { ActiveRunDto, RunDto } from './runs/dto/run.dto';
export { ModelStatus } from './model/model-status';
