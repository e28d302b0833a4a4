import type { Queryable } from '@doitcrm/kit';
import type { DispatchChannel } from '@doitcrm/types';
import type { QuietHoursOverride, Template } from '../contract.ts';

export interface TemplateRow {
  name: string;
  channel: DispatchChannel;
  subject: string | null;
  body: string;
  variables: string[];
  sampleVariables: Record<string, string | number | boolean>;
  active: boolean;
  fallbackTemplateId: number | null;
  webhookUrl: string | null;
  webhookSecretRef: string | null;
  providerTemplate: string | null;
  quietHours: QuietHoursOverride;
}

const columns = `t.id AS id, t.name, t.channel, t.subject, t.body, t.variables, t.sample_variables AS "sampleVariables", t.active,
  t.fallback_template_id AS "fallbackTemplateId", f.channel AS "fallbackChannel", t.webhook_url AS "webhookUrl",
  t.webhook_secret_ref AS "webhookSecretRef", t.provider_template AS "providerTemplate", t.quiet_hours AS "quietHours",
  to_json(t.created_at) #>> '{}' AS "createdAt", to_json(t.updated_at) #>> '{}' AS "updatedAt"`;
const from = 'dispatch.templates t LEFT JOIN dispatch.templates f ON f.id = t.fallback_template_id';

export async function listTemplates(db: Queryable, filter: { channel?: DispatchChannel; active?: boolean; search?: string }): Promise<Template[]> {
  const { rows } = await db.query<Template>(
    `SELECT ${columns} FROM ${from}
     WHERE ($1::text IS NULL OR t.channel = $1) AND ($2::boolean IS NULL OR t.active = $2)
       AND ($3::text IS NULL OR t.name ILIKE '%' || $3 || '%' OR t.body ILIKE '%' || $3 || '%')
     ORDER BY t.channel, lower(t.name)`,
    [filter.channel ?? null, filter.active ?? null, filter.search ? filter.search.replace(/[\\%_]/g, (c) => `\\${c}`) : null]);
  return rows;
}

export async function findTemplate(db: Queryable, id: number, options: { forUpdate?: boolean } = {}): Promise<Template | null> {
  const { rows } = await db.query<Template>(`SELECT ${columns} FROM ${from} WHERE t.id = $1${options.forUpdate ? ' FOR UPDATE OF t' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function findTemplateByName(db: Queryable, name: string): Promise<{ id: number } | null> {
  const { rows } = await db.query<{ id: number }>('SELECT id AS id FROM dispatch.templates WHERE lower(name) = lower($1)', [name]);
  return rows[0] ?? null;
}

const values = (row: TemplateRow) => [
  row.name, row.channel, row.subject, row.body, row.variables, JSON.stringify(row.sampleVariables), row.active,
  row.fallbackTemplateId, row.webhookUrl, row.webhookSecretRef, row.providerTemplate,
  row.quietHours === null ? null : JSON.stringify(row.quietHours),
];

export async function insertTemplate(db: Queryable, row: TemplateRow, userId: number | null): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO dispatch.templates (name, channel, subject, body, variables, sample_variables, active, fallback_template_id,
       webhook_url, webhook_secret_ref, provider_template, quiet_hours, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id AS id`,
    [...values(row), userId]);
  return rows[0]!.id;
}

export async function updateTemplate(db: Queryable, id: number, row: TemplateRow, userId: number | null): Promise<void> {
  await db.query(
    `UPDATE dispatch.templates SET name = $1, channel = $2, subject = $3, body = $4, variables = $5, sample_variables = $6, active = $7,
       fallback_template_id = $8, webhook_url = $9, webhook_secret_ref = $10, provider_template = $11, quiet_hours = $12,
       updated_by = $13, updated_at = now()
     WHERE id = $14`,
    [...values(row), userId, id]);
}

export async function setTemplateActive(db: Queryable, id: number, active: boolean, userId: number | null): Promise<void> {
  await db.query('UPDATE dispatch.templates SET active = $2, updated_by = $3, updated_at = now() WHERE id = $1', [id, active, userId]);
}

/** The templates that fall back to this one: their fallback must keep working when it changes. */
export async function templatesFallingBackTo(db: Queryable, id: number): Promise<Template[]> {
  const { rows } = await db.query<Template>(`SELECT ${columns} FROM ${from} WHERE t.fallback_template_id = $1`, [id]);
  return rows;
}

export async function isTemplateUsed(db: Queryable, id: number): Promise<boolean> {
  const { rows } = await db.query<{ used: boolean }>('SELECT EXISTS (SELECT 1 FROM dispatch.messages WHERE template_id = $1) AS used', [id]);
  return rows[0]!.used;
}

export async function deleteTemplate(db: Queryable, id: number): Promise<void> {
  await db.query('DELETE FROM dispatch.templates WHERE id = $1', [id]);
}

export async function countTemplates(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatch.templates');
  return rows[0]!.n;
}
