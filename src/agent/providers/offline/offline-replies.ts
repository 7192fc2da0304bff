import type { AgentSessionContext } from '../../agent-session-context';
import { formatCents, parseCents, splitCents } from '../../money/minor-units';
import { quotableTitle } from '../../prompt/session-title';
import type { ConversationMessage } from '../model-provider';
import { topicsMentioned, type WorkTopic } from './work-catalog';

/**
 * What the offline assistant says: a pure function of the session and the conversation, so the
 * same input always gets the same reply. It says up front that no model is connected, then does
 * what it can for the phase without one.
 */
export const OFFLINE_NOTICE = '(Offline assistant — no language model is connected.)';

export function composeOfflineReply(
  session: AgentSessionContext,
  messages: readonly ConversationMessage[],
): string {
  const said = messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
  const topics = topicsMentioned(said);
  return `${OFFLINE_NOTICE}\n\n${PHASE_REPLIES[session.phase](session, topics)}`;
}

type PhaseReply = (session: AgentSessionContext, topics: readonly WorkTopic[]) => string;

const PHASE_REPLIES: Record<AgentSessionContext['phase'], PhaseReply> = {
  INTAKE: (session, topics) =>
    [
      `Let's get the basics of "${quotableTitle(session.title)}" down.`,
      topics.length > 0 ? `So far you mentioned: ${names(topics)}.` : '',
      'Please tell me:',
      '1. Which rooms are part of the renovation?',
      '2. Roughly how big is each room (square metres or square feet)?',
      `3. ${budgetQuestion(session)}`,
      '4. What is your timeline: when should the work start, and when must it be finished?',
    ]
      .filter((line) => line !== '')
      .join('\n'),

  CHECKLIST: (_session, topics) => {
    if (topics.length === 0) {
      return [
        'I could not tell yet which work you have in mind. Tell me the rooms and what should',
        'change (for example "new kitchen cabinets and flooring") and I will list the steps.',
      ].join(' ');
    }
    const sections = topics.map(
      (topic) => `${topic.name}:\n${topic.tasks.map((task) => `- [ ] ${task}`).join('\n')}`,
    );
    return ['Here is the work for what you mentioned, in order:', ...sections].join('\n\n');
  },

  PLAN: (session) => {
    const cents = session.totalBudget === null ? undefined : parseCents(session.totalBudget);
    const weights = BUDGET_CATEGORIES.map((c) => c.percent);
    if (cents === undefined) {
      const lines = BUDGET_CATEGORIES.map((c) => `- ${c.name}: ${c.percent}%`);
      return [
        'No total budget is set yet, so here is the usual split in percentages:',
        ...lines,
        'Set the budget on the session and I will turn it into amounts.',
      ].join('\n');
    }
    const amounts = splitCents(cents, weights);
    const lines = BUDGET_CATEGORIES.map(
      (c, i) => `- ${c.name} (${c.percent}%): ${formatCents(amounts[i] ?? 0n)} ${session.currency}`,
    );
    return [
      `A first split of your budget of ${formatCents(cents)} ${session.currency}:`,
      ...lines,
      `Total: ${formatCents(cents)} ${session.currency}.`,
      'These are planning figures, not quotes: replace them with real quotes as they come in.',
    ].join('\n');
  },

  RENDER: (session, topics) =>
    [
      'I cannot produce renderings without a language model.',
      `For "${quotableTitle(session.title)}", note for the designer: ${topics.length > 0 ? names(topics) : 'the rooms you described'};`,
      'the style you want, the colours and materials, and what must stay as it is.',
    ].join(' '),

  PAYMENT: (session) =>
    [
      `Before you pay, check the plan for "${quotableTitle(session.title)}" against your budget of ${budgetText(session)}.`,
      'The payment itself is handled by the application: I cannot take, see or confirm payments.',
    ].join(' '),

  COMPLETE: (session) =>
    [
      `Your plan for "${quotableTitle(session.title)}" is complete. Next steps:`,
      '1. Get at least three quotes for each trade.',
      '2. Check which permits you need before work starts.',
      '3. Book contractors in the order of the checklist.',
      'If anything changes, start an iteration and we will revise the plan.',
    ].join('\n'),

  ITERATE: (session) =>
    [
      `Let's revise the plan for "${quotableTitle(session.title)}".`,
      'What should change, and what must stay as planned?',
      `Your budget is ${budgetText(session)}; tell me if that changes too.`,
    ].join(' '),
};

/** The offline plan's categories; the percents add up to 100. */
export const BUDGET_CATEGORIES: ReadonlyArray<{ name: string; percent: number }> = [
  { name: 'Demolition and preparation', percent: 10 },
  { name: 'Materials', percent: 35 },
  { name: 'Labour', percent: 30 },
  { name: 'Fixtures and fittings', percent: 10 },
  { name: 'Permits and design', percent: 5 },
  { name: 'Contingency', percent: 10 },
];

function names(topics: readonly WorkTopic[]): string {
  return topics.map((t) => t.name.toLowerCase()).join(', ');
}

function budgetText(session: AgentSessionContext): string {
  const cents = session.totalBudget === null ? undefined : parseCents(session.totalBudget);
  return cents === undefined ? 'not set yet' : `${formatCents(cents)} ${session.currency}`;
}

function budgetQuestion(session: AgentSessionContext): string {
  const cents = session.totalBudget === null ? undefined : parseCents(session.totalBudget);
  return cents === undefined
    ? `What is your total budget (in ${session.currency})?`
    : `Your budget is ${formatCents(cents)} ${session.currency}: does that include a contingency for surprises?`;
}
