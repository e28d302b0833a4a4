// `npm run faults`: every ready service running against PostgreSQL, RabbitMQ and Redis servers of this run's own
// (other ports, a temp dir; the machine's own servers are never touched), ≥ 10,000 archive messages in flight per
// round, and one fault per round. After each round it counts, the way Jepsen's queue checker reports, what was
// lost, what was applied twice, how many redeliveries reached a handler, and whether every service recovered by
// itself (ready again, its next job done, the same process unless the fault was its own kill -9). One table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateSchool, loadSchool } from '@doitcrm/demo-data';
import { migrate } from '@doitcrm/db';
import { addUser, createPool } from '@doitcrm/kit';
import { refreshRollups } from '../services/dashboard/src/domain/refresh-rollups.ts';
import { atRest, compareDashboard, countEffects, markCalls, type RoundWork, type Tally } from './faults-checks.ts';
import { contactsAtRest, countBurst, countResumedSync, ensureSynced, startCallbackBurst, submitFullSync, type CallbackBurst } from './faults-contacts.ts';
import { countDispatch, createDispatchTemplates, dispatchAtRest, dispatchTag, submitDispatchWork, type DispatchTemplates, type DispatchWork } from './faults-dispatch.ts';
import { countFeishu, submitFeishuSync } from './faults-feishu.ts';
import { FAULTS, type Fault } from './faults-schedule.ts';
import { allReady, PORTS, serviceEnv, startFakes, startServers, startServices, stopStack, type Stack } from './faults-stack.ts';
import { Api, parentsWithMessages, writeArchiveParts, type ArchivePart } from './faults-workload.ts';

const PER_FILE = Number(process.env.FAULTS_FILE_MESSAGES ?? 5_000);
const FILES_PER_ROUND = Number(process.env.FAULTS_FILES_PER_ROUND ?? 2);
const SUMMARIES_PER_ROUND = 30;
/** customers deleting members a second while a fault strikes contacts-sync's callbacks (the demo has ~4,000 relations) */
const CALLBACKS_PER_SECOND = Number(process.env.FAULTS_CALLBACKS_PER_SECOND ?? 25);
const ROUND_TIMEOUT_MS = 300_000;
const TIMEZONE = 'Asia/Shanghai';
// `npm run faults -- --only feishu` (or FAULTS_ONLY=feishu): the control round and the rounds whose name matches
const onlyArg = parseArgs({ options: { only: { type: 'string' } } }).values.only ?? process.env.FAULTS_ONLY;
const only = onlyArg ? new RegExp(onlyArg, 'i') : null;

const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const say = (line: string) => console.log(`[faults ${clock()}] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  fault: string;
  how: string;
  inFlight: string;
  lost: number;
  duplicated: number;
  deliveries: number;
  recovered: string;
  readyIn: string;
  notes: string[];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-faults-'));
// PostgreSQL runs as its own OS user and must reach its data dir
fs.chmodSync(dir, 0o755);
let stack: Stack | undefined;
let stopping: Promise<void> | undefined;
const cleanUp = (code: number) => {
  stopping ??= stopStack(stack, dir, say).finally(() => process.exit(code));
  return stopping;
};
process.once('SIGINT', () => { say('SIGINT: stopping the services and this run\'s servers'); void cleanUp(130); });
process.once('SIGTERM', () => void cleanUp(143));
// the whole run is bounded: a hang anywhere still ends with the servers stopped and the temp dir gone
setTimeout(() => { say('the run took longer than 60 min; stopping'); void cleanUp(2); }, 60 * 60_000).unref();

async function main(): Promise<void> {
  stack = await startServers(dir, say);
  const directUrl = `postgres://postgres@127.0.0.1:${PORTS.postgres}/doitcrm`;
  await migrate({ databaseUrl: directUrl });
  // the checker reads the database directly, never through the proxy it stalls
  const pool = createPool({ databaseUrl: directUrl, max: 4, applicationName: 'faults-checker' });
  const school = generateSchool({ silentMembers: 300 });
  await loadSchool(pool, school);
  // names left to fetch, as a school that just started has them (the same ids scripts/demo-setup.ts leaves)
  await pool.query(`UPDATE crm.identities SET wecom_nickname = NULL, name_status = 'pending', name_fetched_at = NULL
                    WHERE id_type = 'user_id' AND business_name IS NULL AND id_kind IN ('external_wechat', 'external_wecom')`);
  const password = `faults-${Math.random().toString(36).slice(2)}`;
  await addUser({ db: pool, service: 'faults' }, { username: 'faults', password, role: 'admin', displayName: '故障演练' });

  const rounds = FAULTS.filter((fault) => !only || fault.strike === null || only.test(fault.name));
  const messages = rounds.length * FILES_PER_ROUND * PER_FILE;
  say(`generating the demo archive: ${messages} messages in files of ${PER_FILE}`);
  const parts = await writeArchiveParts(dir, school, messages, PER_FILE);

  await startFakes(stack);
  startServices(stack, say);
  const firstReady = await allReady(stack, 180_000);
  if (firstReady === null) throw new Error('the services did not all become ready within 180 s (see the logs in the temp dir; FAULTS_KEEP_DIR=1 keeps it)');
  say(`every service ready after ${firstReady.toFixed(1)} s: ${stack.services.map((run) => `${run.name} :${run.port}`).join(', ')}`);
  const api = new Api(PORTS.services, 'faults', password);
  await api.login();
  const templates = await createDispatchTemplates(api, stack.channels!);

  const rows: Row[] = [];
  for (const [index, fault] of rounds.entries()) {
    rows.push(await runRound(stack, pool, api, fault, parts.splice(0, FILES_PER_ROUND), { templates, round: index + 1 }));
  }
  await pool.end();
  printTable(rows);
  const failed = rows.some((row) => row.lost > 0 || row.duplicated > 0 || !row.recovered.startsWith('yes'));
  await cleanUp(failed ? 1 : 0);
}

async function runRound(
  stack: Stack, pool: ReturnType<typeof createPool>, api: Api, fault: Fault, parts: ArchivePart[], dispatch: { templates: DispatchTemplates; round: number },
): Promise<Row> {
  say(`── ${fault.name}`);
  const work: RoundWork = { jobIds: [], msgids: [], summaryJobIds: [], pendingNames: [] };
  const marks = markCalls(stack.coze!, stack.wecom!.fake);
  const since = Date.now();
  const pids = new Map(stack.services.map((run) => [run.name, run.supervised.child.pid]));

  for (const part of parts) {
    work.jobIds.push(await api.uploadArchive(part));
    work.msgids.push(...part.msgids);
  }
  if (fault.adds?.includes('extract')) work.jobIds.push(await api.extractWholeArchive());
  if (fault.adds?.includes('names')) {
    const { rows } = await pool.query<{ original_id: string }>(
      `SELECT original_id FROM crm.identities WHERE id_type = 'user_id' AND name_status = 'pending' AND id_kind IN ('external_wechat', 'external_wecom', 'internal')`);
    work.pendingNames = rows.map((row) => row.original_id);
    work.jobIds.push(await api.fetchNames());
  }
  if (fault.adds?.includes('feishu')) {
    work.feishu = await submitFeishuSync(api, stack.feishu!, dispatch.round);
    work.jobIds.push(work.feishu.jobId);
  }
  if (fault.adds?.includes('summaries')) {
    const parents = await parentsWithMessages(pool, SUMMARIES_PER_ROUND);
    for (const id of parents.ids) work.summaryJobIds.push(await api.summarize(id, parents.start, parents.end));
  }
  const { rows: [lastRun] } = await pool.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM contacts.sync_runs');
  if (fault.contacts === 'sync') work.jobIds.push(await submitFullSync(api));
  let burst: CallbackBurst | null = null;
  if (fault.contacts === 'burst') {
    await ensureSynced(pool, api, say);
    burst = startCallbackBurst(stack.wecom!.fake, CALLBACKS_PER_SECOND);
  }
  // sent while the fault strikes: a request it interrupts is sent again with its Idempotency-Key, as a caller would
  const submitting: Promise<DispatchWork | Error> = submitDispatchWork(api, dispatch.templates, stack.channels!, dispatch.round, fault.dispatch ?? 'plain')
    .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

  const how = fault.strike ? await fault.strike({ stack, pool, work, dispatchTag: dispatchTag(dispatch.round), say }) : 'no fault';
  say(how);
  const readySeconds = await allReady(stack, 180_000);
  // the burst goes on a little past the recovery, then every delivery's retries are let finish
  const burstSent = burst ? await sleep(3_000).then(() => burst.stop()) : null;
  if (burstSent) say(`contacts callbacks: ${burstSent.pairs.length} customer deletions sent through the fault`);
  const dispatched = await submitting;
  const dispatchWork = dispatched instanceof Error ? null : dispatched;
  const inFlight = `${work.msgids.length} msgs, ${work.jobIds.length + work.summaryJobIds.length} jobs, ${dispatchWork?.traceIds.length ?? 0} dispatches`;

  let waiting: string | null = 'not checked';
  const deadline = Date.now() + ROUND_TIMEOUT_MS;
  while (Date.now() < deadline) {
    waiting = await atRest(pool, [...work.jobIds, ...work.summaryJobIds]).catch((error: unknown) => String(error));
    if (waiting === null && dispatchWork) waiting = await dispatchAtRest(pool, dispatchWork).catch((error: unknown) => String(error));
    if (waiting === null && fault.contacts) waiting = await contactsAtRest(pool).catch((error: unknown) => String(error));
    if (waiting === null) break;
    await sleep(500);
  }
  if (waiting) say(`still waiting after ${ROUND_TIMEOUT_MS / 1000} s: ${waiting}`);
  // let redelivered messages of work already done reach their handlers before counting
  await sleep(2_000);

  const effects: Tally = await countEffects(pool, work, { since: marks, coze: stack.coze!, wecom: stack.wecom!.fake });
  if (work.feishu) {
    const feishu = countFeishu(stack.feishu!, work.feishu);
    effects.lost += feishu.lost;
    effects.duplicated += feishu.duplicated;
    effects.notes.push(...feishu.notes);
  }
  const dashboard = await compareDashboard(pool, async () => { await refreshRollups(pool, { full: true }, { timezone: TIMEZONE }); });
  const sends: Tally = dispatchWork ? await countDispatch(pool, dispatchWork, stack.channels!)
    : { lost: 0, duplicated: 0, notes: [`dispatcher batches not all accepted: ${(dispatched as Error).message}`] };
  const contacts: Tally = burstSent ? await countBurst(pool, burstSent)
    : fault.contacts === 'sync' ? await countResumedSync(pool, stack.wecom!.fake,
      (await pool.query<{ id: number }>('SELECT id::int FROM contacts.sync_runs WHERE id > $1', [lastRun!.id])).rows.map((row) => row.id), {
        calls: stack.wecom!.fake.calls.all().slice(marks.wecom).filter((call) => call.endpoint === 'externalcontact/batch/get_by_user').length,
        size: Number(serviceEnv(stack).CONTACTS_SYNC_MEMBERS_PER_BATCH),
      })
      : { lost: 0, duplicated: 0, notes: [] };
  const deliveries = stack.services.reduce((sum, run) =>
    sum + run.lines.filter((line) => line.at >= since && line.text.includes('redelivered message reached its handler')).length, 0);

  const dispatcherDeliveries = stack.services.find((run) => run.name === 'dispatcher')?.lines
    .filter((line) => line.at >= since && line.text.includes('redelivered message reached its handler')).length ?? 0;
  if (dispatcherDeliveries > 0) sends.notes.push(`duplicate deliveries to the dispatcher's workers: ${dispatcherDeliveries}`);

  const restarted = stack.services.filter((run) => run.supervised.child.pid !== pids.get(run.name)).map((run) => run.name);
  const unexpected = restarted.filter((name) => name !== fault.kills);
  const ready = readySeconds !== null;
  const recovered = !ready ? 'no: not ready within 180 s'
    : unexpected.length > 0 ? `no: ${unexpected.join(', ')} restarted`
      : waiting ? `no: ${waiting}`
        : !dispatchWork ? 'no: the send API never accepted every batch'
        : fault.kills ? `yes (${fault.kills} by its supervisor, others same pid)` : `yes (all ${stack.services.length} same pid)`;
  const row: Row = {
    fault: fault.name, how, inFlight,
    lost: effects.lost + dashboard.lost + sends.lost + contacts.lost, duplicated: effects.duplicated + dashboard.duplicated + sends.duplicated + contacts.duplicated, deliveries,
    recovered, readyIn: ready ? `${readySeconds.toFixed(1)} s` : '—',
    notes: [...effects.notes, ...dashboard.notes, ...sends.notes, ...contacts.notes, ...(waiting ? [`not at rest: ${waiting}`] : [])],
  };
  say(`lost ${row.lost}, duplicated effects ${row.duplicated}, duplicate deliveries ${deliveries}, recovered: ${recovered}`);
  for (const note of row.notes) say(`  ${note}`);
  return row;
}

function printTable(rows: Row[]): void {
  const header = ['fault', 'in flight', 'lost', 'duplicated effects', 'duplicate deliveries', 'recovered without restart', 'ready again'];
  const cells = rows.map((row) => [row.fault, row.inFlight, String(row.lost), String(row.duplicated), String(row.deliveries), row.recovered, row.readyIn]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => `| ${values.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const values of cells) console.log(line(values));
  console.log(`\n${rows.length} rounds in ${((Date.now() - started) / 60_000).toFixed(1)} min; lost ${rows.reduce((s, r) => s + r.lost, 0)}, `
    + `duplicated effects ${rows.reduce((s, r) => s + r.duplicated, 0)}, duplicate deliveries ${rows.reduce((s, r) => s + r.deliveries, 0)}`);
}

main().catch(async (error: unknown) => {
  say(`failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  await cleanUp(1);
});
