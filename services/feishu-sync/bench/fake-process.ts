// The Bitable fake in a process of its own for the bench: Feishu's work (parsing, storing, answering 500-record
// batches) is not the service's, so it must not share the service's event loop or CPU share. The parent drives it
// over IPC: seed the base, read and clear the call log, read the tables' sizes and the client tokens answered.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createFeishuFake, type FeishuCallsPerSecond } from '@doitcrm/fakes';
import type { EndpointCalls } from './anchor.ts';
import { seedExisting, type SeededBase } from './bench-data.ts';

export interface FakeSettings { writeLatencyMs: number; callsPerSecond: FeishuCallsPerSecond }
export interface FakeIdentity { url: string; appId: string; appSecret: string; appToken: string; studentsTableId: string; recordsTableId: string }
export interface FakeCounts { calls: EndpointCalls; rateLimited: number; students: number; records: number; clientTokens: number }

type Ask =
  | { op: 'seed'; records: number; exportShape: { rows: number; students: number } }
  | { op: 'counts' }
  | { op: 'clear' };
type Request = Ask & { id: number };

export interface FakeProcess {
  identity: FakeIdentity;
  seed(records: number, exportShape: { rows: number; students: number }): Promise<SeededBase>;
  counts(): Promise<FakeCounts>;
  clearCalls(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeProcess(settings: FakeSettings): Promise<FakeProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(settings)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const [identity] = await once(child, 'message') as [FakeIdentity];
  let next = 0;
  const pending = new Map<number, (value: unknown) => void>();
  child.on('message', (message: { id: number; value: unknown }) => { pending.get(message.id)?.(message.value); pending.delete(message.id); });
  const ask = <T>(request: Ask): Promise<T> => new Promise((resolve) => {
    const id = ++next;
    pending.set(id, resolve as (value: unknown) => void);
    child.send({ ...request, id });
  });
  return {
    identity,
    seed: (records, exportShape) => ask({ op: 'seed', records, exportShape }),
    counts: () => ask({ op: 'counts' }),
    clearCalls: () => ask({ op: 'clear' }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function serve(settings: FakeSettings): Promise<void> {
  const fake = createFeishuFake({ demo: { students: 0 }, writeLatencyMs: settings.writeLatencyMs, callsPerSecond: settings.callsPerSecond });
  const server = await fake.listen(0, '127.0.0.1');
  const base = fake.state.bases.get(fake.demo.appToken)!;
  process.on('message', (request: Request) => {
    const value = request.op === 'seed' ? seedExisting(fake, request.records, request.exportShape)
      : request.op === 'clear' ? fake.calls.clear()
        : {
          calls: fake.calls.byEndpoint(), rateLimited: fake.calls.all().filter((call) => call.errcode === 99991400).length,
          students: base.tables.get(fake.demo.studentsTableId)!.records.size, records: base.tables.get(fake.demo.recordsTableId)!.records.size,
          clientTokens: fake.state.clientTokens.size,
        } satisfies FakeCounts;
    process.send!({ id: request.id, value: value ?? null });
  });
  process.once('SIGTERM', () => { void server.close().finally(() => process.exit(0)); });
  // the bench died without closing it: do not outlive it
  process.once('disconnect', () => process.exit(0));
  process.send!({ url: server.url, appId: fake.appId, appSecret: fake.appSecret, ...fake.demo } satisfies FakeIdentity);
}

if (import.meta.url === `file://${process.argv[1]}`) await serve(JSON.parse(process.argv[2]!) as FakeSettings);
