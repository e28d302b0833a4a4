import { createHash } from 'node:crypto';
import { FeishuError } from './feishu-error.ts';
import type { FeishuRequest } from './http-transport.ts';
import type { RequestExecutor } from './request-executor.ts';
import type { BitableField, BitableRecord, SearchFilter, SearchQuery, TableRef } from './feishu-types.ts';
import { deleteAnswerShape, fieldsPageShape, recordAnswerShape, recordsAnswerShape, searchPageShape } from './wire-schemas.ts';
import type { z } from 'zod';

const tablePath = (t: TableRef) => `bitable/v1/apps/${encodeURIComponent(t.appToken)}/tables/${encodeURIComponent(t.tableId)}`;
const toRecord = (r: { record_id: string; fields: Record<string, unknown> }): BitableRecord => ({ recordId: r.record_id, fields: r.fields });

/** Reads the answer's `data` with its schema; an answer of another shape is a server fault, not "no records". */
function parse<S extends z.ZodType>(shape: S, data: unknown, endpoint: string): z.infer<S> {
  const parsed = shape.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new FeishuError({
    kind: 'server', code: 0, endpoint, retryable: false, cause: parsed.error,
    hint: `飞书应答的 data 结构与文档不符 (Feishu answered code 0 with data of an unexpected shape: ${parsed.error.issues[0]?.message ?? ''})`,
  });
}

/** Every field name a search body mentions. */
function namesInQuery(query: SearchQuery): string[] {
  const fromFilter = (f: SearchFilter | undefined): string[] =>
    f ? [...(f.conditions ?? []).map((c) => c.field_name), ...(f.children ?? []).flatMap(fromFilter)] : [];
  return [...(query.field_names ?? []), ...(query.sort ?? []).map((s) => s.field_name), ...fromFilter(query.filter)];
}

export class BitableApi {
  constructor(private readonly executor: RequestExecutor, private readonly pageSize: number) {}

  async listFields(table: TableRef): Promise<BitableField[]> {
    const fields: BitableField[] = [];
    let pageToken: string | undefined;
    do {
      const data = await this.executor.call({
        endpoint: 'fields_list', method: 'GET', path: `${tablePath(table)}/fields`, query: { page_size: 100, page_token: pageToken },
      });
      const page = parse(fieldsPageShape, data, 'fields_list');
      for (const f of page.items ?? []) {
        fields.push({ fieldId: f.field_id, name: f.field_name, type: f.type, uiType: f.ui_type ?? null, isPrimary: f.is_primary, property: f.property ?? null });
      }
      pageToken = nextToken(page, 'fields_list');
    } while (pageToken);
    return fields;
  }

  /**
   * The page loop the official SDK's `searchWithIterator` should have been: it logs and swallows errors, so a 429
   * mid-scan looks like the end of the table (peer-lessons.md). Here every failure left after the retries is
   * thrown with the page it broke on and how many records came before it.
   */
  async *searchPages(table: TableRef, query: SearchQuery = {}): AsyncGenerator<{ page: number; records: BitableRecord[]; total: number | null }> {
    let pageToken: string | undefined;
    let page = 0;
    let read = 0;
    do {
      page += 1;
      let data: unknown;
      try {
        data = await this.withFieldNames(table, namesInQuery(query), {
          endpoint: 'records_search', method: 'POST', path: `${tablePath(table)}/records/search`,
          query: { page_size: this.pageSize, page_token: pageToken }, body: query,
        });
      } catch (error) {
        throw error instanceof FeishuError ? error.with({ page, recordsRead: read }) : error;
      }
      const answer = parse(searchPageShape, data, 'records_search');
      const records = (answer.items ?? []).map(toRecord);
      read += records.length;
      yield { page, records, total: answer.total ?? null };
      pageToken = nextToken(answer, 'records_search');
    } while (pageToken);
  }

  async searchAll(table: TableRef, query: SearchQuery = {}): Promise<BitableRecord[]> {
    const all: BitableRecord[] = [];
    for await (const page of this.searchPages(table, query)) all.push(...page.records);
    return all;
  }

  async getRecord(table: TableRef, recordId: string): Promise<BitableRecord | null> {
    try {
      const data = await this.executor.call({ endpoint: 'record_get', method: 'GET', path: `${tablePath(table)}/records/${encodeURIComponent(recordId)}` });
      return toRecord(parse(recordAnswerShape, data, 'record_get').record);
    } catch (error) {
      if (error instanceof FeishuError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  async createChunk(table: TableRef, rows: ReadonlyArray<Record<string, unknown>>, clientToken: string | undefined): Promise<BitableRecord[]> {
    const data = await this.withFieldNames(table, rows.flatMap(Object.keys), {
      endpoint: 'records_batch_create', method: 'POST', path: `${tablePath(table)}/records/batch_create`,
      query: { client_token: clientToken }, body: { records: rows.map((fields) => ({ fields })) },
    });
    return parse(recordsAnswerShape, data, 'records_batch_create').records.map(toRecord);
  }

  async updateChunk(table: TableRef, rows: ReadonlyArray<{ recordId: string; fields: Record<string, unknown> }>): Promise<BitableRecord[]> {
    const data = await this.withFieldNames(table, rows.flatMap((r) => Object.keys(r.fields)), {
      endpoint: 'records_batch_update', method: 'POST', path: `${tablePath(table)}/records/batch_update`,
      body: { records: rows.map((r) => ({ record_id: r.recordId, fields: r.fields })) },
    });
    return parse(recordsAnswerShape, data, 'records_batch_update').records.map(toRecord);
  }

  async deleteChunk(table: TableRef, recordIds: readonly string[]): Promise<string[]> {
    const data = await this.executor.call({
      endpoint: 'records_batch_delete', method: 'POST', path: `${tablePath(table)}/records/batch_delete`, body: { records: recordIds },
    });
    return parse(deleteAnswerShape, data, 'records_batch_delete').records.filter((r) => r.deleted).map((r) => r.record_id);
  }

  /**
   * Runs a call that names fields; on 1254045/1254044 (schema drift, §2.5) re-reads the table's fields once and
   * names in the error the ones this call used that the table does not have.
   */
  private async withFieldNames(table: TableRef, used: readonly string[], request: FeishuRequest): Promise<unknown> {
    try {
      return await this.executor.call(request);
    } catch (error) {
      if (!(error instanceof FeishuError) || (error.code !== 1254045 && error.code !== 1254044)) throw error;
      const present = new Set((await this.listFields(table).catch(() => [])).map((f) => f.name));
      const missing = [...new Set(used)].filter((name) => !present.has(name));
      const fromMessage = /FieldNameNotFound:\s*(.+)$/.exec(error.feishuMessage)?.[1] ?? null;
      throw error.with({ fieldName: missing.length > 0 && present.size > 0 ? missing.join('、') : fromMessage });
    }
  }
}

/** `page_token` of a page that says `has_more`; a page that says more but gives no token is a fault, not the end. */
function nextToken(page: { has_more: boolean; page_token?: string | undefined }, endpoint: string): string | undefined {
  if (!page.has_more) return undefined;
  if (page.page_token) return page.page_token;
  throw new FeishuError({ kind: 'server', code: 0, endpoint, retryable: false, hint: '飞书返回 has_more 却没有 page_token (has_more without a page_token: the scan cannot go on)' });
}

/** Chunk n > 0 of one logical batch gets a token derived from the caller's, deterministic so replays match (uuid shape). */
export function chunkClientToken(clientToken: string | undefined, chunk: number): string | undefined {
  if (clientToken === undefined || chunk === 0) return clientToken;
  const hex = createHash('sha1').update(`${clientToken}:${chunk}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
