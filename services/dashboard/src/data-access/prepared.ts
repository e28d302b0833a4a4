import type { QueryConfig } from 'pg';

/**
 * A named (prepared) statement: PostgreSQL plans the big read queries once per connection instead of on every call
 * (planning them costs about as much as running them). A name always stands for one SQL text.
 */
export function prepared(name: string, text: string, values: unknown[]): QueryConfig {
  return { name: `dashboard.${name}`, text, values };
}
