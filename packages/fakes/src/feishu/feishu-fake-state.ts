/**
 * Field type numbers of Bitable (external-apis.md §2.4): only the ones the fake stores and converts; any other
 * type is kept as written and read back unchanged.
 */
export const FIELD_TYPE = {
  text: 1, number: 2, singleSelect: 3, multiSelect: 4, date: 5, checkbox: 7, phone: 13, url: 15, singleLink: 18, duplexLink: 21,
} as const;

export interface FakeField {
  field_id: string;
  field_name: string;
  type: number;
  ui_type: string;
  is_primary: boolean;
  /** select fields: `{options: [{name, id, color}]}`; link fields: `{table_id, multiple}` */
  property: Record<string, unknown> | null;
  description?: string;
}

/** A record as stored: cells by field name, in the fake's own canonical form (see record-formats.ts). */
export interface FakeRecord {
  record_id: string;
  cells: Map<string, unknown>;
  created_time: number;
  last_modified_time: number;
}

export interface FakeTable {
  table_id: string;
  name: string;
  revision: number;
  fields: FakeField[];
  /** insertion order is the table's order, as Bitable lists records without a sort */
  records: Map<string, FakeRecord>;
  /** writes running on this table now: a second one overlapping answers 1254291 */
  writesInFlight: number;
}

export interface FakeBase {
  app_token: string;
  name: string;
  tables: Map<string, FakeTable>;
}

export interface FeishuFakeState {
  appId: string;
  appSecret: string;
  bases: Map<string, FakeBase>;
  /** answers already given to a batch_create, by `app_token/table_id/client_token` */
  clientTokens: Map<string, unknown>;
  tokenTtlSeconds: number;
  /** a token request within this many seconds of the current token's expiry gets a new token (§2.2: 30 min) */
  renewWindowSeconds: number;
  /** how long a write holds its table; overlapping writes answer 1254291 */
  writeLatencyMs: number;
  /** records per batch_create / batch_update call (current docs 1,000; error 1254104 and older docs 500) */
  batchWriteLimit: number;
  /** Feishu's frequency control: calls per second per API (none when absent) */
  callsPerSecond: Partial<Record<string, number>>;
}

export class FeishuFakeFailure extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly status = 200,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code} ${msg}`);
  }
}
