import { FeishuFakeFailure, FIELD_TYPE, type FakeField, type FakeRecord, type FakeTable } from './feishu-fake-state.ts';

/** Conversion failures of the search-records error table (external-apis.md §2.5), by field type. */
const CONVERSION_CODE: Readonly<Record<number, [number, string]>> = {
  [FIELD_TYPE.text]: [1254060, 'TextFieldConvFail'],
  [FIELD_TYPE.number]: [1254061, 'NumberFieldConvFail'],
  [FIELD_TYPE.singleSelect]: [1254062, 'SingleSelectFieldConvFail'],
  [FIELD_TYPE.multiSelect]: [1254063, 'MultiSelectFieldConvFail'],
  [FIELD_TYPE.date]: [1254064, 'DatetimeFieldConvFail'],
  [FIELD_TYPE.checkbox]: [1254065, 'CheckboxFieldConvFail'],
  [FIELD_TYPE.singleLink]: [1254067, 'LinkFieldConvFail'],
  [FIELD_TYPE.duplexLink]: [1254067, 'LinkFieldConvFail'],
  [FIELD_TYPE.url]: [1254068, 'URLFieldConvFail'],
  [FIELD_TYPE.phone]: [1254072, 'PhoneFieldConvFail'],
};

const PHONE = /^\+?\d*$/;
const MAX_LINKS = 500;

function convFail(field: FakeField): FeishuFakeFailure {
  const [code, msg] = CONVERSION_CODE[field.type] ?? [1254001, 'WrongRequestBody'];
  return new FeishuFakeFailure(code, `${msg}: field ${field.field_name}`);
}

export function fieldNotFound(name: string): FeishuFakeFailure {
  return new FeishuFakeFailure(1254045, `FieldNameNotFound: ${name}`);
}

/**
 * A written cell in the write format of §2.4 → the fake's stored form: text, phone, select as strings; numbers and
 * dates (ms) as numbers; links as record-id arrays (every id must exist in the linked table). `null` clears a cell.
 * A link written in the read shape (`{link_record_ids}`) is refused: §2.4 gives only the id array for writes.
 */
export function toStored(field: FakeField, value: unknown, linkedTable: FakeTable | undefined): unknown {
  if (value === null) return undefined;
  switch (field.type) {
    case FIELD_TYPE.text:
      if (typeof value !== 'string') throw convFail(field);
      return value;
    case FIELD_TYPE.number:
    case FIELD_TYPE.date:
      if (typeof value !== 'number' || !Number.isFinite(value)) throw convFail(field);
      return value;
    case FIELD_TYPE.singleSelect:
      if (typeof value !== 'string') throw convFail(field);
      addOption(field, value);
      return value;
    case FIELD_TYPE.multiSelect:
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw convFail(field);
      for (const v of value as string[]) addOption(field, v);
      return [...(value as string[])];
    case FIELD_TYPE.checkbox:
      if (typeof value !== 'boolean') throw convFail(field);
      return value;
    case FIELD_TYPE.phone:
      if (typeof value !== 'string' || value.length > 64 || !PHONE.test(value)) throw convFail(field);
      return value;
    case FIELD_TYPE.url:
      if (typeof value !== 'object' || typeof (value as { link?: unknown }).link !== 'string') throw convFail(field);
      return { text: String((value as { text?: unknown }).text ?? ''), link: (value as { link: string }).link };
    case FIELD_TYPE.singleLink:
    case FIELD_TYPE.duplexLink: {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string') || value.length > MAX_LINKS) throw convFail(field);
      const ids = [...new Set(value as string[])];
      if (linkedTable && ids.some((id) => !linkedTable.records.has(id))) throw convFail(field);
      return ids;
    }
    default:
      return value;
  }
}

function addOption(field: FakeField, name: string): void {
  // an unknown option name creates the option (§2.4)
  const options = ((field.property ??= {}).options ??= []) as Array<{ name: string; id: string; color: number }>;
  if (!options.some((o) => o.name === name)) options.push({ name, id: `opt${options.length + 1}`, color: options.length % 54 });
}

/** A stored cell as records/search returns it (the read format of §2.4). */
export function toSearchFormat(field: FakeField, stored: unknown): unknown {
  switch (field.type) {
    case FIELD_TYPE.text:
      return [{ type: 'text', text: stored }];
    case FIELD_TYPE.singleLink:
    case FIELD_TYPE.duplexLink:
      return { link_record_ids: [...(stored as string[])] };
    default:
      return stored;
  }
}

/**
 * A stored cell as the legacy GET record returns it (§2.4, "legacy GET list/get return different shapes"): text is a
 * plain string, a link is `[{record_ids, table_id, text, text_arr, type: "text"}]` naming the linked records by their
 * primary field.
 */
export function toLegacyFormat(field: FakeField, stored: unknown, linkedTable: FakeTable | undefined): unknown {
  if (field.type !== FIELD_TYPE.singleLink && field.type !== FIELD_TYPE.duplexLink) return stored;
  const ids = stored as string[];
  const primary = linkedTable?.fields.find((f) => f.is_primary);
  const names = ids.map((id) => {
    const cell = primary ? linkedTable?.records.get(id)?.cells.get(primary.field_name) : undefined;
    return typeof cell === 'string' ? cell : '';
  });
  return [{ record_ids: ids, table_id: linkedTable?.table_id ?? '', text: names.join(','), text_arr: names, type: 'text' }];
}

/** `fields` of a record in one of the read formats; empty cells are absent, as Bitable leaves them out. */
export function recordFields(
  table: FakeTable, record: FakeRecord, format: 'search' | 'legacy', linkedTable: (field: FakeField) => FakeTable | undefined, only?: readonly string[],
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of table.fields) {
    if (only && !only.includes(field.field_name)) continue;
    const stored = record.cells.get(field.field_name);
    if (stored === undefined) continue;
    fields[field.field_name] = format === 'search' ? toSearchFormat(field, stored) : toLegacyFormat(field, stored, linkedTable(field));
  }
  return fields;
}
