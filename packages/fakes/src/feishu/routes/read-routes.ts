import type { Request } from 'express';
import { FeishuFakeFailure } from '../feishu-fake-state.ts';
import { baseOf, linkedTableOf, tableOf, type EndpointHandler } from '../feishu-pipeline.ts';
import { recordFields } from '../record-formats.ts';
import { decodePageToken, pageOf, pageSize, queryKey, selectRecords, type SearchBody } from '../record-search.ts';

const body = (req: Request): Record<string, unknown> =>
  (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body as Record<string, unknown> : {});

/** `POST /open-apis/auth/v3/tenant_access_token/internal` (§2.2): wrong credentials answer 10014, HTTP 400. */
export const tenantTokenRoute: EndpointHandler = (req, ctx) => {
  const { app_id: appId, app_secret: appSecret } = body(req);
  if (typeof appId !== 'string' || typeof appSecret !== 'string') throw new FeishuFakeFailure(10003, 'invalid param', 400);
  if (appId !== ctx.state.appId || appSecret !== ctx.state.appSecret) throw new FeishuFakeFailure(10014, 'app secret invalid', 400);
  const { token, expire } = ctx.tokens.issue(ctx.now(), ctx.state.tokenTtlSeconds, ctx.state.renewWindowSeconds);
  return { tenant_access_token: token, expire };
};

/** `GET …/apps/:app_token/tables` → `{items[{table_id, revision, name}], has_more, page_token?, total}`. */
export const tablesListRoute: EndpointHandler = (req, ctx) => {
  const base = baseOf(ctx, req);
  const tables = [...base.tables.values()].map((t) => ({ table_id: t.table_id, revision: t.revision, name: t.name }));
  const key = queryKey(['tables', base.app_token]);
  const { page, ...rest } = pageOf(tables, decodePageToken(req.query.page_token, key), pageSize(req.query.page_size, 100), key);
  return { items: page, ...rest };
};

/** `GET …/tables/:table_id/fields`: page_size default 20, at most 100 (§2.3). */
export const fieldsListRoute: EndpointHandler = (req, ctx) => {
  const table = tableOf(ctx, req);
  const key = queryKey(['fields', table.table_id]);
  const { page, ...rest } = pageOf(table.fields, decodePageToken(req.query.page_token, key), pageSize(req.query.page_size, 100), key);
  const items = page.map((f) => ({
    field_id: f.field_id, field_name: f.field_name, type: f.type, ui_type: f.ui_type, property: f.property,
    description: f.description ?? '', is_primary: f.is_primary, is_hidden: false,
  }));
  return { items, ...rest };
};

/**
 * `POST …/records/search?page_size&page_token` with `{field_names?, sort?, filter?}`: records in the read format of
 * §2.4, page_size default 20 and at most 500; the page token is bound to the query that produced it.
 */
export const recordsSearchRoute: EndpointHandler = (req, ctx) => {
  const base = baseOf(ctx, req);
  const table = tableOf(ctx, req);
  const query = body(req) as SearchBody;
  if (query.field_names !== undefined && (!Array.isArray(query.field_names) || query.field_names.length > 200)) {
    throw new FeishuFakeFailure(1254024, 'InvalidFieldNames');
  }
  const size = pageSize(req.query.page_size, 500);
  const key = queryKey(['search', table.table_id, query.field_names ?? null, query.sort ?? null, query.filter ?? null]);
  const offset = decodePageToken(req.query.page_token, key);
  const selected = selectRecords(table, query);
  const { page, ...rest } = pageOf(selected, offset, size, key);
  const items = page.map((r) => ({
    record_id: r.record_id,
    fields: recordFields(table, r, 'search', (f) => linkedTableOf(base, f.property), query.field_names),
  }));
  return { items, ...rest };
};

/** `GET …/records/:record_id` (legacy): text plain, links `[{record_ids, table_id, text, text_arr, type}]`; unknown → 1254043. */
export const recordGetRoute: EndpointHandler = (req, ctx) => {
  const base = baseOf(ctx, req);
  const table = tableOf(ctx, req);
  const record = table.records.get(String(req.params.record_id));
  if (!record) throw new FeishuFakeFailure(1254043, 'RecordIdNotFound');
  const fields = recordFields(table, record, 'legacy', (f) => linkedTableOf(base, f.property));
  return { record: { record_id: record.record_id, id: record.record_id, fields } };
};
