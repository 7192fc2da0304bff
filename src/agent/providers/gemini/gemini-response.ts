import type { Content, GenerateContentResponse } from '@google/genai';
import type { ConversationMessage, ReplyFinishReason, TokenUsage } from '../model-provider';

/**
 * Our conversation in Gemini's terms: the assistant's turns are the "model" role. A reply to
 * continue goes last, as a `model` turn of its own (a prefill): the model carries on from its
 * end, and streams only what comes after it.
 */
export function toGeminiContents(
  messages: readonly ConversationMessage[],
  continueFrom?: string,
): Content[] {
  const contents: Content[] = messages.map((message) => ({
    role: message.role === 'assistant' ? 'model' : 'user',
    parts: [{ text: message.content }],
  }));
  if (continueFrom !== undefined && continueFrom !== '') {
    contents.push({ role: 'model', parts: [{ text: continueFrom }] });
  }
  return contents;
}

/** The reply text of one chunk: the first candidate's text parts, thought summaries left out. */
export function chunkText(chunk: GenerateContentResponse): string {
  const parts = chunk.candidates?.[0]?.content?.parts ?? [];
  return parts
    .filter((part) => part.thought !== true && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
}

/**
 * Each streamed chunk carries the running usage of the request, so the last one counts. Thinking
 * tokens are billed as output, so they are counted as output here.
 */
export function chunkUsage(chunk: GenerateContentResponse): TokenUsage | undefined {
  const usage = chunk.usageMetadata;
  if (usage === undefined) {
    return undefined;
  }
  return {
    inputTokens: usage.promptTokenCount ?? 0,
    outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
  };
}

export function chunkFinishReason(chunk: GenerateContentResponse): string | undefined {
  return chunk.candidates?.[0]?.finishReason;
}

/** Set only when the prompt itself was refused: then there is no candidate at all. */
export function chunkBlockReason(chunk: GenerateContentResponse): string | undefined {
  const feedback = chunk.promptFeedback;
  if (feedback?.blockReason === undefined) {
    return undefined;
  }
  return [feedback.blockReason, feedback.blockReasonMessage].filter(Boolean).join(': ');
}

const SAFETY_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
]);

export function toFinishReason(reason: string): ReplyFinishReason {
  if (reason === 'STOP') {
    return 'stop';
  }
  if (reason === 'MAX_TOKENS') {
    return 'max_tokens';
  }
  return SAFETY_REASONS.has(reason) ? 'safety' : 'other';
}
