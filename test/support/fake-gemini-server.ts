import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A real HTTP server speaking the slice of the Gemini API (v1beta) that @google/genai uses for
 * `models.get` and `models.generateContentStream`, so the provider is tested through the SDK's
 * own HTTP stack. Request and response shapes follow what the SDK sends and parses:
 *
 *   GET  /v1beta/models/{model}                              → Model JSON
 *   POST /v1beta/models/{model}:streamGenerateContent?alt=sse → text/event-stream, one
 *        `data: {GenerateContentResponse}\r\n\r\n` per chunk
 *
 * Errors use Google's envelope `{"error":{"code","message","status","details"}}`. A test drives
 * the server with `script({...})` and reads what the SDK sent in `requests`.
 *
 * Like the model with a prefill, a request whose `contents` end with a `model` turn gets only the
 * rest of the scripted reply after that turn's text (when the reply starts with it): the chunks
 * it covers are skipped, and a chunk it ends inside is cut there.
 */

export type FakeFailureStatus = 400 | 429 | 500 | 503;

export interface FakeGeminiScript {
  /** The only key accepted (header `x-goog-api-key`); anything else gets 400 API_KEY_INVALID. */
  apiKey: string;
  /** Models that exist; any other gets 404 NOT_FOUND. */
  models: string[];
  /** The reply, one SSE event per entry. */
  chunks: string[];
  /** `finishReason` of the last chunk; null sends none (a reply that ends without finishing). */
  finishReason: string | null;
  promptTokenCount: number;
  /** `candidatesTokenCount` reported on the last chunk (earlier chunks report a running count). */
  candidatesTokenCount: number;
  /** Wait before the response headers of each request (answers nothing meanwhile). */
  responseDelayMs: number;
  /** Wait before each chunk of a stream. */
  chunkDelayMs: number;
  /** Fail this many requests (of any kind) with `failStatus` before answering normally. */
  failFirst: number;
  failStatus: FakeFailureStatus;
  /** `retryDelay` advertised in a 429's RetryInfo, e.g. "0.05s". */
  retryDelay?: string;
  /** Destroy the socket after sending this many chunks (no finishReason, no clean end). */
  cutAfterChunks?: number;
  /** Send this many chunks, then keep the connection open and silent. */
  stallAfterChunks?: number;
}

export interface FakeGeminiRequest {
  method: string;
  /** Path without the query, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent`. */
  path: string;
  query: Record<string, string>;
  apiKey: string | undefined;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined for GET). */
  body: unknown;
}

export const FAKE_GEMINI_KEY = 'fake-gemini-key';
export const FAKE_GEMINI_MODEL = 'gemini-2.5-flash';

const DEFAULT_SCRIPT: FakeGeminiScript = {
  apiKey: FAKE_GEMINI_KEY,
  models: [FAKE_GEMINI_MODEL],
  chunks: ['Hello', ', homeowner', '!'],
  finishReason: 'STOP',
  promptTokenCount: 17,
  candidatesTokenCount: 5,
  responseDelayMs: 0,
  chunkDelayMs: 0,
  failFirst: 0,
  failStatus: 503,
};

const FAILURES: Record<FakeFailureStatus, { status: string; message: string }> = {
  400: { status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' },
  429: {
    status: 'RESOURCE_EXHAUSTED',
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  },
  500: { status: 'INTERNAL', message: 'An internal error has occurred.' },
  503: { status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' },
};

export class FakeGeminiServer {
  readonly requests: FakeGeminiRequest[] = [];
  private current: FakeGeminiScript = { ...DEFAULT_SCRIPT };
  private failuresLeft = 0;
  private readonly sockets = new Set<Socket>();
  private openStreams = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeGeminiServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeGeminiServer(server, (server.address() as { port: number }).port);
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  /** What to pass as `httpOptions.baseUrl` (the SDK appends `/v1beta/...`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Replace the behaviour: defaults plus `changes`; forgets recorded requests. */
  script(changes: Partial<FakeGeminiScript> = {}): void {
    this.current = { ...DEFAULT_SCRIPT, ...changes };
    this.failuresLeft = this.current.failFirst;
    this.requests.length = 0;
  }

  /** Streaming responses still open: ones the client has neither read to the end nor dropped. */
  get activeStreams(): number {
    return this.openStreams;
  }

  /** Requests to the streaming endpoint only. */
  get streamRequests(): FakeGeminiRequest[] {
    return this.requests.filter((r) => r.path.endsWith(':streamGenerateContent'));
  }

  async close(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    const apiKey = req.headers['x-goog-api-key'];
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      apiKey: typeof apiKey === 'string' ? apiKey : undefined,
      headers: req.headers,
      body: raw === '' ? undefined : JSON.parse(raw),
    });
    const script = this.current;
    if (script.responseDelayMs > 0 && !(await pause(script.responseDelayMs, res))) {
      return;
    }

    const match = /^\/v1beta\/models\/([^/:]+)(?::(streamGenerateContent))?$/.exec(url.pathname);
    const model = match?.[1];
    const method = match?.[2];
    if (
      match === null ||
      model === undefined ||
      (req.method === 'GET' && method !== undefined) ||
      (req.method === 'POST' && method === undefined)
    ) {
      return sendError(res, 404, 'NOT_FOUND', `Method not found: ${req.method} ${url.pathname}`);
    }
    if (apiKey !== script.apiKey) {
      return sendError(
        res,
        400,
        'INVALID_ARGUMENT',
        'API key not valid. Please pass a valid API key.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ],
      );
    }
    if (!script.models.includes(model)) {
      return sendError(
        res,
        404,
        'NOT_FOUND',
        `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      );
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      const failure = FAILURES[script.failStatus];
      const details =
        script.failStatus === 429 && script.retryDelay !== undefined
          ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: script.retryDelay }]
          : undefined;
      return sendError(res, script.failStatus, failure.status, failure.message, details);
    }
    if (req.method === 'GET') {
      return sendJson(res, 200, modelResource(model));
    }
    await this.stream(res, model, { ...script, chunks: afterPrefill(script.chunks, raw) });
  }

  private async stream(res: ServerResponse, model: string, script: FakeGeminiScript) {
    this.openStreams += 1;
    res.once('close', () => (this.openStreams -= 1));
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.flushHeaders();
    const responseId = `fake-${this.requests.length}`;
    for (const [index, text] of script.chunks.entries()) {
      if (index === script.cutAfterChunks) {
        res.socket?.destroy();
        return;
      }
      if (index === script.stallAfterChunks) {
        return; // leave the response open; close() or the client's abort ends it
      }
      if (script.chunkDelayMs > 0 && !(await pause(script.chunkDelayMs, res))) {
        return;
      }
      const last = index === script.chunks.length - 1;
      const chunk = {
        candidates: [
          {
            content: { parts: [{ text }], role: 'model' },
            ...(last && script.finishReason !== null ? { finishReason: script.finishReason } : {}),
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: script.promptTokenCount,
          candidatesTokenCount: last ? script.candidatesTokenCount : index + 1,
          totalTokenCount:
            script.promptTokenCount + (last ? script.candidatesTokenCount : index + 1),
          promptTokensDetails: [{ modality: 'TEXT', tokenCount: script.promptTokenCount }],
        },
        modelVersion: model,
        responseId,
      };
      // Wait until the chunk is handed to the socket, so a cut that follows does not drop it.
      await new Promise<void>((resolve) =>
        res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`, () => resolve()),
      );
    }
    if (script.cutAfterChunks !== undefined && script.cutAfterChunks >= script.chunks.length) {
      res.socket?.destroy();
      return;
    }
    if (script.stallAfterChunks === undefined) {
      res.end();
    }
  }
}

/** The scripted chunks after the request's trailing `model` turn, if the reply starts with it. */
function afterPrefill(chunks: readonly string[], raw: string): string[] {
  const body = (raw === '' ? {} : JSON.parse(raw)) as {
    contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }>;
  };
  const last = body.contents?.at(-1);
  const prefill =
    last?.role === 'model' ? (last.parts ?? []).map((p) => p.text ?? '').join('') : '';
  if (prefill === '' || !chunks.join('').startsWith(prefill)) {
    return [...chunks];
  }
  const rest: string[] = [];
  let covered = 0;
  for (const chunk of chunks) {
    const skip = Math.min(chunk.length, Math.max(0, prefill.length - covered));
    covered += chunk.length;
    if (skip < chunk.length) {
      rest.push(chunk.slice(skip));
    }
  }
  return rest;
}

function modelResource(model: string) {
  return {
    name: `models/${model}`,
    version: '001',
    displayName: model,
    description: 'Fake model served by the test Gemini server',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): void {
  sendJson(res, code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) {
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Waits `ms`; false if the client went away meanwhile (then nothing more should be written). */
async function pause(ms: number, res: ServerResponse): Promise<boolean> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    res.once('close', done);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });
  return !res.destroyed && !res.writableEnded;
}
