import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { CozeIdSequence } from './coze-ids.ts';
import { sendEnvelopeError } from './coze-envelope.ts';
import { createContext, type CozeFakeContext } from './coze-fake-context.ts';
import { CozeInjector, type CozeEndpoint, type CozeInjectionHandle, type CozeInjectionRule } from './coze-injection.ts';
import type { CozeFakeState, CozeStreamShape, FakeBot, FakeChat } from './coze-fake-state.ts';
import { listenLocal, type ListeningFake } from '../listen-local.ts';
import type { CozeRecordedRequest } from './request-log.ts';
import { botInfoHandler } from './routes/bot-route.ts';
import { chatHandler } from './routes/chat-route.ts';
import { cancelHandler, messageListHandler, retrieveHandler } from './routes/poll-routes.ts';

export interface CozeFakeOptions {
  /** the personal access token it accepts; default: a random `pat_…` */
  token?: string;
  /** default `7300000000000000001` (the parent-communication bot) */
  parentBotId?: string;
  /** default `7300000000000000002` (the teacher bot) */
  teacherBotId?: string;
  stream?: Partial<CozeStreamShape>;
  /** how long a non-stream chat stays in_progress; default 200 ms */
  nonStreamDurationMs?: number;
  /** `mapped` (default): error envelopes carry HTTP 401/403/404/429/5xx; `always200`: HTTP 200 with the code only */
  errorStatus?: 'mapped' | 'always200';
  /** the fake's clock (ms) */
  now?: () => number;
}

export interface CozeFake {
  app: Express;
  listen(port?: number, host?: string): Promise<ListeningFake>;
  token: string;
  parentBotId: string;
  teacherBotId: string;
  state: CozeFakeState;
  inject(rule: CozeInjectionRule): CozeInjectionHandle;
  clearInjections(): void;
  /** every request received, in order, with what was answered */
  readonly requests: readonly CozeRecordedRequest[];
  clearRequests(): void;
  /** characters per `conversation.message.delta` */
  setChunkSize(characters: number): void;
  setDeltaDelay(ms: number): void;
  setStreamShape(shape: Partial<CozeStreamShape>): void;
  /** another bot (published unless said otherwise) */
  addBot(bot: Pick<FakeBot, 'name'> & Partial<FakeBot>): FakeBot;
  setBotPublished(botId: string, published: boolean): void;
  chat(chatId: string): FakeChat | undefined;
}

const DEFAULT_STREAM: CozeStreamShape = {
  chunkSize: 4, deltaDelayMs: 0, byteChunk: 0, lineEnding: '\n', multiLineData: false, verbose: true, followUp: true,
};

type HandlerFactory = (ctx: CozeFakeContext) => (req: Request, res: Response) => void | Promise<void>;

/** Retrieve and message list answer GET and POST: the official SDKs and an older community one disagree. */
const ROUTES: ReadonlyArray<{ path: string; endpoint: CozeEndpoint; methods: ReadonlyArray<'get' | 'post'>; handler: HandlerFactory }> = [
  { path: '/v3/chat', endpoint: 'chat', methods: ['post'], handler: chatHandler },
  { path: '/v3/chat/retrieve', endpoint: 'retrieve', methods: ['get', 'post'], handler: retrieveHandler },
  { path: '/v3/chat/message/list', endpoint: 'message_list', methods: ['get', 'post'], handler: messageListHandler },
  { path: '/v3/chat/cancel', endpoint: 'cancel', methods: ['post'], handler: cancelHandler },
  { path: '/v1/bot/get_online_info', endpoint: 'bot_info', methods: ['get'], handler: botInfoHandler },
];

/**
 * A local, contract-faithful stand-in for the Coze chat API (https://www.coze.cn/open/docs/developer_guides/chat_v3);
 * packages/fakes/README.md lists what it covers.
 */
export function createCozeFake(options: CozeFakeOptions = {}): CozeFake {
  const now = options.now ?? Date.now;
  const token = options.token ?? `pat_${randomBytes(48).toString('base64url').slice(0, 60)}`;
  const parentBotId = options.parentBotId ?? '7300000000000000001';
  const teacherBotId = options.teacherBotId ?? '7300000000000000002';
  if (parentBotId === teacherBotId) throw new Error('the parent and teacher bots must differ');
  const state: CozeFakeState = {
    bots: new Map([
      [parentBotId, { id: parentBotId, name: '家长沟通总结（模拟）', role: 'parent', published: true }],
      [teacherBotId, { id: teacherBotId, name: '老师沟通总结（模拟）', role: 'teacher', published: true }],
    ]),
    chats: new Map(),
    conversations: new Map(),
    ids: new CozeIdSequence(),
    stream: { ...DEFAULT_STREAM, ...options.stream },
    nonStreamDurationMs: options.nonStreamDurationMs ?? 200,
  };
  checkStreamShape(state.stream);
  const ctx = createContext({ state, injector: new CozeInjector(), token, now, errorStatus: options.errorStatus ?? 'mapped' });

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '2mb' }));
  for (const route of ROUTES) {
    const handler = route.handler(ctx);
    for (const method of route.methods) app[method](route.path, recordAndAuthorize(route.endpoint), handler);
  }
  app.use((req: Request, res: Response) => {
    ctx.requests.push(logEntry(req, 'unknown', false, now()));
    res.status(404).json({ code: 404, msg: 'this fake does not implement that API' });
  });
  // malformed JSON is a 4000 business error, answered like any other
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string }).type !== 'entity.parse.failed') return next(error);
    res.locals.cozeCall = logEntry(req, 'unknown', false, now());
    ctx.requests.push(res.locals.cozeCall);
    sendEnvelopeError(ctx, res, { code: 4000, msg: 'the request body is not valid JSON' });
  });

  /** Logs the request, then checks the personal access token (4100, HTTP 401) before anything else. */
  function recordAndAuthorize(endpoint: CozeEndpoint) {
    return (req: Request, res: Response, next: NextFunction) => {
      const authorized = req.get('authorization') === `Bearer ${token}`;
      const entry = logEntry(req, endpoint, authorized, now());
      ctx.requests.push(entry);
      res.locals.cozeCall = entry;
      if (!authorized) {
        sendEnvelopeError(ctx, res, { code: 4100 });
        return;
      }
      next();
    };
  }

  return {
    app,
    listen: (port = 0, host = '127.0.0.1') => listenLocal(app, port, host),
    token, parentBotId, teacherBotId, state,
    inject: (rule) => ctx.injector.add(rule),
    clearInjections: () => ctx.injector.clear(),
    get requests() {
      return ctx.requests;
    },
    clearRequests: () => {
      ctx.requests.length = 0;
    },
    setChunkSize: (characters) => setShape({ chunkSize: characters }),
    setDeltaDelay: (ms) => setShape({ deltaDelayMs: ms }),
    setStreamShape: (shape) => setShape(shape),
    addBot: (bot) => {
      const added: FakeBot = { id: bot.id ?? state.ids.take(), name: bot.name, role: bot.role ?? 'other', published: bot.published ?? true };
      state.bots.set(added.id, added);
      return added;
    },
    setBotPublished: (botId, published) => {
      const bot = state.bots.get(botId);
      if (!bot) throw new Error(`the fake has no bot ${botId}`);
      bot.published = published;
    },
    chat: (chatId) => state.chats.get(chatId),
  };

  function setShape(shape: Partial<CozeStreamShape>): void {
    const next = { ...state.stream, ...shape };
    checkStreamShape(next);
    state.stream = next;
  }
}

function checkStreamShape(shape: CozeStreamShape): void {
  if (!(Number.isInteger(shape.chunkSize) && shape.chunkSize >= 1)) throw new RangeError('chunkSize must be an integer ≥ 1');
  if (!(shape.deltaDelayMs >= 0)) throw new RangeError('deltaDelayMs must be ≥ 0');
  if (!(Number.isInteger(shape.byteChunk) && shape.byteChunk >= 0)) throw new RangeError('byteChunk must be an integer ≥ 0');
}

function logEntry(req: Request, endpoint: CozeEndpoint | 'unknown', authorized: boolean, at: number): CozeRecordedRequest {
  const query = Object.fromEntries(Object.entries(req.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return { endpoint, method: req.method, path: req.path, query, body: req.body ?? null, authorized, at, status: 0, code: 0, injected: null };
}
