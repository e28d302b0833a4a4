import type { Request } from 'express';
import { FeishuFakeFailure, type FakeBase, type FakeRecord, type FakeTable } from '../feishu-fake-state.ts';
import { newRecordId } from '../feishu-ids.ts';
import { baseOf, linkedTableOf, tableOf, type EndpointHandler, type FeishuFakeContext } from '../feishu-pipeline.ts';
import { fieldNotFound, toStored } from '../record-formats.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const badBody = (why: string) => new FeishuFakeFailure(1254001, `WrongRequestBody: ${why}`);

function listOf(req: Request, name: string): unknown[] {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  if (!Array.isArray(value) || value.length === 0) throw badBody(`${name} must be a non-empty array`);
  return value;
}

/**
 * Runs a write while holding its table. A write that finds another one running on the same table answers 1254291
 * ("write conflict", §2.5): Bitable does not queue concurrent writes to one table, the client must serialise them.
 * The change is applied at the end of the hold, all or nothing.
 */
async function holdingTable<T>(ctx: FeishuFakeContext, table: FakeTable, write: () => T): Promise<T> {
  if (table.writesInFlight > 0) throw new FeishuFakeFailure(1254291, 'Write conflict');
  table.writesInFlight += 1;
  try {
    if (ctx.state.writeLatencyMs > 0) await sleep(ctx.state.writeLatencyMs);
    const result = write();
    table.revision += 1;
    return result;
  } finally {
    table.writesInFlight -= 1;
  }
}

/** Converts written `fields` (write format) to stored cells; an unknown field name is 1254045. */
function storedCells(base: FakeBase, table: FakeTable, fields: unknown): Map<string, unknown> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw badBody('fields must be an object');
  const cells = new Map<string, unknown>();
  for (const [name, value] of Object.entries(fields)) {
    const field = table.fields.find((f) => f.field_name === name);
    if (!field) throw fieldNotFound(name);
    cells.set(name, toStored(field, value, linkedTableOf(base, field.property)));
  }
  return cells;
}

function checkBatchSize(ctx: FeishuFakeContext, count: number): void {
  if (count > ctx.state.batchWriteLimit) {
    throw new FeishuFakeFailure(1254104, `RecordAddOnceExceedLimit: at most ${ctx.state.batchWriteLimit} records per call`);
  }
}

/** The answer's record: `fields` echoed in the write format, as sent (§2.3: "echoed in write format"). */
const echo = (record: FakeRecord, fields: unknown) => ({ record_id: record.record_id, id: record.record_id, fields });

/**
 * `POST …/records/batch_create?client_token=…` `{records:[{fields}]}`: records created in input order. The same
 * `client_token` again answers the records of the first call and creates nothing (idempotent replay).
 */
export const batchCreateRoute: EndpointHandler = async (req, ctx) => {
  const base = baseOf(ctx, req);
  const table = tableOf(ctx, req);
  const clientToken = typeof req.query.client_token === 'string' && req.query.client_token !== '' ? req.query.client_token : null;
  const tokenKey = `${base.app_token}/${table.table_id}/${clientToken}`;
  if (clientToken && ctx.state.clientTokens.has(tokenKey)) return ctx.state.clientTokens.get(tokenKey) as Record<string, unknown>;
  const input = listOf(req, 'records');
  checkBatchSize(ctx, input.length);
  const rows = input.map((r) => ({ fields: (r as { fields?: unknown } | null)?.fields, cells: storedCells(base, table, (r as { fields?: unknown } | null)?.fields) }));
  const answer = await holdingTable(ctx, table, () => {
    const at = ctx.now();
    const created = rows.map(({ fields, cells }) => {
      const record: FakeRecord = { record_id: newRecordId(), cells, created_time: at, last_modified_time: at };
      table.records.set(record.record_id, record);
      return echo(record, fields);
    });
    return { records: created };
  });
  if (clientToken) ctx.state.clientTokens.set(tokenKey, answer);
  return answer;
};

/** `POST …/records/batch_update` `{records:[{record_id, fields}]}`: only the given cells change; unknown id → 1254043. */
export const batchUpdateRoute: EndpointHandler = async (req, ctx) => {
  const base = baseOf(ctx, req);
  const table = tableOf(ctx, req);
  const input = listOf(req, 'records');
  checkBatchSize(ctx, input.length);
  const rows = input.map((r) => {
    const row = (r ?? {}) as { record_id?: unknown; fields?: unknown };
    const record = typeof row.record_id === 'string' ? table.records.get(row.record_id) : undefined;
    if (!record) throw new FeishuFakeFailure(1254043, `RecordIdNotFound: ${String(row.record_id)}`);
    return { record, fields: row.fields, cells: storedCells(base, table, row.fields) };
  });
  return holdingTable(ctx, table, () => {
    const at = ctx.now();
    return {
      records: rows.map(({ record, fields, cells }) => {
        for (const [name, value] of cells) {
          if (value === undefined) record.cells.delete(name);
          else record.cells.set(name, value);
        }
        record.last_modified_time = at;
        return echo(record, fields);
      }),
    };
  });
};

/** `POST …/records/batch_delete` `{records: string[] ≤ 500}` → `{records:[{deleted, record_id}]}`; unknown id → 1254043. */
export const batchDeleteRoute: EndpointHandler = async (req, ctx) => {
  const table = tableOf(ctx, req);
  const ids = listOf(req, 'records');
  if (ids.length > 500) throw new FeishuFakeFailure(99992402, 'field validation failed: records must hold at most 500 ids', 400);
  for (const id of ids) {
    if (typeof id !== 'string' || !table.records.has(id)) throw new FeishuFakeFailure(1254043, `RecordIdNotFound: ${String(id)}`);
  }
  return holdingTable(ctx, table, () => ({
    records: (ids as string[]).map((id) => ({ deleted: table.records.delete(id), record_id: id })),
  }));
};
