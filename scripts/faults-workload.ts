// The work `npm run faults` keeps in flight: archive files uploaded to the ETL (whose imports announce
// chat.ingested to the mapper and the dashboard), whole-archive extractions, nickname fetches and AI summaries,
// all submitted through the services' HTTP APIs as a user would.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type pg from 'pg';
import { writeArchiveFile, generateSchool } from '@doitcrm/demo-data';

export type School = ReturnType<typeof generateSchool>;

export interface ArchivePart {
  file: string;
  msgids: string[];
}

/** One demo archive, cut into files of `perFile` lines: each round imports fresh ones. */
export async function writeArchiveParts(dir: string, school: School, messages: number, perFile: number): Promise<ArchivePart[]> {
  const whole = path.join(dir, 'archive.jsonl');
  await writeArchiveFile(whole, { messages, school, endAt: new Date(), faults: 0 });
  const parts: ArchivePart[] = [];
  let lines: string[] = [];
  let msgids: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const file = path.join(dir, `part-${String(parts.length + 1).padStart(3, '0')}.jsonl`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    parts.push({ file, msgids });
    lines = [];
    msgids = [];
  };
  for await (const line of readline.createInterface({ input: fs.createReadStream(whole) })) {
    if (!line.trim()) continue;
    lines.push(line);
    msgids.push((JSON.parse(line) as { msgid: string }).msgid);
    if (lines.length >= perFile) flush();
  }
  flush();
  fs.rmSync(whole);
  return parts;
}

/** A signed-in API client for every service of the installation (one session works on all of them). */
export class Api {
  private cookie = '';

  constructor(private readonly ports: Record<string, number>, private readonly username: string, private readonly password: string) {}

  url(service: string, pathname: string): string {
    return `http://127.0.0.1:${this.ports[service]}${pathname}`;
  }

  /** Signs in again, e.g. after a Redis restart that took the sessions with it. */
  async login(): Promise<void> {
    const response = await fetch(this.url('etl', '/api/auth/login'), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: this.username, password: this.password }),
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  async request(service: string, pathname: string, init: RequestInit = {}): Promise<Response> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(this.url(service, pathname), { ...init, headers: { cookie: this.cookie, ...init.headers } });
      if (response.status === 401 && attempt === 1) {
        await this.login();
        continue;
      }
      return response;
    }
  }

  /** Submits a job through a service's API, retrying while the service or a dependency is not there (a restart). */
  async submit(service: string, pathname: string, body: () => BodyInit, contentType?: string): Promise<string> {
    const deadline = Date.now() + 120_000;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const response = await this.request(service, pathname, { method: 'POST', body: body(), headers: contentType ? { 'content-type': contentType } : {} });
        const text = await response.text();
        if (response.status === 202) return (JSON.parse(text) as { jobId: string }).jobId;
        last = `${response.status} ${text.slice(0, 200)}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`POST ${service} ${pathname} kept failing: ${last}`);
  }

  uploadArchive(part: ArchivePart): Promise<string> {
    return this.submit('etl', '/api/imports', () => {
      const form = new FormData();
      form.append('conflict', 'skip');
      form.append('file', new Blob([fs.readFileSync(part.file)]), path.basename(part.file));
      return form;
    });
  }

  extractWholeArchive(): Promise<string> {
    return this.submit('mapper', '/api/extract', () => '{}', 'application/json');
  }

  fetchNames(): Promise<string> {
    return this.submit('mapper', '/api/fetch-names', () => JSON.stringify({ idType: 'user_id', onlyPending: true }), 'application/json');
  }

  summarize(userId: string, start: Date, end: Date): Promise<string> {
    return this.submit('messages', '/api/summaries', () =>
      JSON.stringify({ user_ids: [userId], mode: 'parent', start_time: start.toISOString(), end_time: end.toISOString() }), 'application/json');
  }
}

/** Parents who wrote in the window, for summaries that have something to summarise. */
export async function parentsWithMessages(pool: pg.Pool, count: number): Promise<{ ids: string[]; start: Date; end: Date }> {
  const { rows: [window] } = await pool.query<{ start: Date; end: Date }>('SELECT max(msgtime) - interval \'60 days\' AS start, max(msgtime) AS end FROM chat.messages');
  const { rows } = await pool.query<{ from_id: string }>(
    `SELECT from_id FROM chat.messages WHERE msgtime BETWEEN $1 AND $2 AND from_id LIKE 'wm%'
     GROUP BY from_id ORDER BY count(*) DESC LIMIT $3`, [window!.start, window!.end, count]);
  return { ids: rows.map((row) => row.from_id), start: window!.start, end: window!.end };
}

export interface JobState {
  id: string;
  type: string;
  status: string;
  progressDone: number;
}

export async function jobStates(pool: pg.Pool, ids: string[]): Promise<JobState[]> {
  const { rows } = await pool.query<JobState>(
    'SELECT id::text, type, status, coalesce(progress_done, 0)::float8 AS "progressDone" FROM ops.jobs WHERE id = ANY($1::uuid[])', [ids]);
  return rows;
}
