import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCozeFake, type StartedCozeFake } from '@doitcrm/fakes';
import type { JobSnapshot } from '@doitcrm/kit';
import { createTestUser, startServiceProcess, TEST_USER_PASSWORD, useTestService, waitFor, type ServiceProcess, type Truthy } from '@doitcrm/kit/testing';
import { messagesConfigShape } from '../src/config.ts';
import type { SummaryRecord } from '../src/contract.ts';
import { createFamily, insertMessages, minutesBefore, text } from './chat-factory.ts';

// The service runs as a process of its own, so it can be killed the way `npm run faults` kills it (SIGKILL: no
// shutdown hook, the job's message left unacknowledged for RabbitMQ to hand to the next worker).
const t = useTestService('messages-harness', messagesConfigShape);
let coze: StartedCozeFake;
let messages: ServiceProcess | undefined;
let cookie = '';

/** waitFor through a restart (a probe that throws counts as not yet); a timeout also shows the service's last lines. */
async function until<T>(what: string, probe: () => Promise<T>): Promise<Truthy<T>> {
  return waitFor(what, () => probe().catch(() => null as T), { timeoutMs: 60_000, intervalMs: 50 }).catch((error: Error) => {
    throw new Error(`${error.message}${messages ? `; service's last lines:\n${messages.lines.slice(-8).join('\n')}` : ''}`);
  });
}

async function startMessages(): Promise<ServiceProcess> {
  const started = await startServiceProcess(t.service, 'services/messages/src/start.ts', {
    COZE_BASE_URL: coze.url, COZE_API_TOKEN: coze.token, COZE_PARENT_BOT_ID: coze.parentBotId, COZE_TEACHER_BOT_ID: coze.teacherBotId,
  });
  const staff = await createTestUser(t.context, 'staff');
  const login = await fetch(`${started.baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: staff.username, password: TEST_USER_PASSWORD }),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return started;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${messages!.baseUrl}${path}`, { ...init, headers: { cookie, 'content-type': 'application/json', ...init.headers } });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const chats = () => coze.fake.requests.filter((request) => request.endpoint === 'chat' && request.status === 200);

beforeAll(async () => {
  // a slow answer: time to kill the worker between the chat's opening and the answer's arrival
  coze = await startCozeFake({ stream: { deltaDelayMs: 60, chunkSize: 1 } });
  messages = await startMessages();
}, 120_000);

afterAll(async () => {
  await messages?.stop();
  await coze?.close();
});

describe('an AI summary whose worker is killed while Coze answers', () => {
  it('when the messages service is killed -9 after the Coze chat opened, then the redelivered job stores that chat\'s answer and opens no second chat', async () => {
    // Arrange
    const f = await createFamily(t.context.pool);
    const base = new Date(Date.now() - 86_400_000);
    await insertMessages(t.context.pool, [
      { from: f.parent, to: [f.teacher], roomId: null, at: minutesBefore(base, 30), ...text('孩子最近作业写得很慢') },
      { from: f.teacher, to: [f.parent], roomId: null, at: minutesBefore(base, 20), ...text('我们一起想想办法') },
    ]);
    const created = await api<{ summaryId: number; jobId: string }>('/api/summaries', { method: 'POST', body: JSON.stringify({ user_ids: [f.parent], mode: 'parent' }) });
    await until('the answer streaming into the job', async () => (await api<JobSnapshot>(`/api/jobs/${created.jobId}`)).progressDone > 3);
    expect(chats()).toHaveLength(1);
    const chatId = [...coze.fake.state.chats.values()].at(-1)!.id;
    expect(coze.fake.chat(chatId)?.status).toBe('in_progress');

    // Act: the worker dies mid-answer; a new process takes the redelivered job
    const killed = messages!;
    const exited = new Promise((resolve) => killed.child.once('exit', resolve));
    killed.child.kill('SIGKILL');
    await exited;
    messages = await startMessages();
    const job = await until('the redelivered job finished', async () => {
      const snapshot = await api<JobSnapshot>(`/api/jobs/${created.jobId}`);
      return snapshot.status === 'succeeded' || snapshot.status === 'failed' ? snapshot : null;
    });

    // Assert
    const summary = await api<SummaryRecord>(`/api/summaries/${created.summaryId}`);
    expect(job.status).toBe('succeeded');
    expect(summary.status).toBe('succeeded');
    expect(summary.summary).toBe(coze.fake.chat(chatId)!.answer);
    expect(chats()).toHaveLength(1);
    expect(coze.fake.requests.filter((request) => request.endpoint === 'retrieve').length).toBeGreaterThan(0);
  }, 180_000);
});
