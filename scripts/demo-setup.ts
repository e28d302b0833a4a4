// Part of `npm start`: a demo admin login and, in an empty database, the synthetic demo school and its archive.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { addUser } from '@doitcrm/kit';
import { encodeCsv, enrolmentCsv, generateSchool, loadSchool, rosterCsv, writeArchiveFile } from '@doitcrm/demo-data';
import { seedDemoHistory } from '../services/dispatcher/src/domain/demo-history.ts';
import { seedDemoTemplates } from '../services/dispatcher/src/domain/demo-templates.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const loginFile = path.join(root, 'var', 'demo-login.json');
const demoFilesDir = path.join(root, 'var', 'demo-files');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/doitcrm';
const demoMessages = Number(process.env.DEMO_MESSAGES ?? 200_000);
// relatives and trial-lesson families who sit in groups and never write: WeCom cannot name them (not customers)
const demoSilentMembers = 300;

interface DemoLogin { username: string; password: string; note: string }

async function ensureLogin(pool: pg.Pool): Promise<DemoLogin | null> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users');
  if (rows[0]!.n === 0) {
    const password = process.env.DEMO_ADMIN_PASSWORD || randomBytes(12).toString('base64url');
    await addUser({ db: pool, service: 'demo' }, { username: 'admin', password, role: 'admin', displayName: '演示管理员' });
    fs.mkdirSync(path.dirname(loginFile), { recursive: true });
    fs.writeFileSync(loginFile, JSON.stringify({ username: 'admin', password }), { mode: 0o600 });
    console.log('created the demo admin login');
    return { username: 'admin', password, note: 'created now; also kept in var/demo-login.json' };
  }
  if (fs.existsSync(loginFile)) {
    const saved = JSON.parse(fs.readFileSync(loginFile, 'utf8')) as { username: string; password: string };
    return { ...saved, note: 'from var/demo-login.json; change it with npm run user -- passwd' };
  }
  console.log('logins exist already: use yours, or add one with  npm run user -- add --username U --password P --role admin');
  return null;
}

async function ensureSchool(pool: pg.Pool): Promise<void> {
  const school = generateSchool({ silentMembers: demoSilentMembers });
  const { loaded } = await loadSchool(pool, school);
  console.log(loaded ? 'loaded the demo school (classes, staff, students, parents)' : 'a school is already in the database');
  if (loaded) await forgetSomeNicknames(pool);
  writeRosterFiles(school);

  const { rows } = await pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM chat.messages) AS any');
  if (rows[0]!.any) {
    console.log('the chat archive already holds messages');
    return;
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-demo-')), '演示归档.jsonl');
  await writeArchiveFile(file, { messages: demoMessages, school, endAt: new Date(), faults: 0.0005 });
  console.log(`generated a demo archive of ${demoMessages} messages; importing it`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'services/etl/src/cli.ts'), 'import', file, '--label', '演示归档 (demo archive)'], {
    cwd: root, env: process.env, stdio: ['ignore', 'inherit', 'inherit'],
  });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (result.status !== 0) throw new Error('the demo archive import failed');
}

/**
 * The school's spreadsheets as its office would save them (the matrix from a Chinese Windows Excel, in GBK; the
 * enrolment list as "CSV UTF-8"), for trying the roster import: previewed against the demo, they change nothing.
 */
function writeRosterFiles(school: ReturnType<typeof generateSchool>): void {
  fs.mkdirSync(demoFilesDir, { recursive: true });
  const matrix = path.join(demoFilesDir, '班级花名册-GBK.csv');
  const enrolment = path.join(demoFilesDir, '学员报读-UTF8.csv');
  fs.writeFileSync(matrix, encodeCsv(rosterCsv(school), 'gbk'));
  fs.writeFileSync(enrolment, encodeCsv(enrolmentCsv(school), 'utf8-bom'));
  console.log(`demo roster files for the roster import: ${path.relative(root, matrix)}, ${path.relative(root, enrolment)}`);
}

/**
 * The demo school arrives fully named, but a school that just started has names still to fetch from WeCom: the
 * parents nobody has mapped yet and the groups that are no class's. Forgetting theirs makes the mapper's
 * "fetch nicknames" job real work against the fake (which still knows them, bar its deliberate failures).
 */
async function forgetSomeNicknames(pool: pg.Pool): Promise<void> {
  const { rowCount } = await pool.query(
    `UPDATE crm.identities i SET wecom_nickname = NULL, name_status = 'pending', name_fetched_at = NULL, name_error = NULL
     WHERE (i.id_type = 'user_id' AND i.business_name IS NULL AND i.id_kind IN ('external_wechat', 'external_wecom'))
        OR (i.id_type = 'room_id' AND NOT EXISTS (SELECT 1 FROM crm.classes c WHERE c.room_id = i.original_id))`);
  console.log(`${rowCount} ids left for the mapper to name from WeCom`);
}

async function seedDispatcher(pool: pg.Pool): Promise<void> {
  const templates = await seedDemoTemplates(pool);
  console.log(templates > 0 ? `created ${templates} demo message templates for the dispatcher` : 'the dispatcher has message templates already');
  const history = await seedDemoHistory(pool);
  if (history.alertRules > 0) console.log(`created ${history.alertRules} demo alert rules for the dispatcher`);
  console.log(history.messages > 0
    ? `wrote a week of demo send history for the dispatcher (${history.messages} messages, ${history.traceEvents} trace events, ${history.statsDays} days of statistics)`
    : 'the dispatcher has sent messages already');
}

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
try {
  const login = await ensureLogin(pool);
  // `npm start -- --only feishu-sync` runs none of the chat archive: no school, no archive, no dispatcher history
  if (process.env.DEMO_SCHOOL !== '0') await ensureSchool(pool);
  if (process.env.DEMO_DISPATCHER !== '0') await seedDispatcher(pool);
  console.log(`LOGIN ${JSON.stringify(login)}`);
} finally {
  await pool.end();
}
