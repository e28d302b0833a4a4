import { WecomFakeFailure } from './wecom-errmsg.ts';
import type { FakeAppName, WecomDirectory } from './wecom-fake-state.ts';

export interface EndpointInput {
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

export interface EndpointContext extends EndpointInput {
  directory: WecomDirectory;
  app: FakeAppName;
}

/** One WeCom API: its path below `/cgi-bin/`, its method, and what it answers on success. */
export interface FakeEndpoint {
  path: string;
  method: 'GET' | 'POST';
  /** which app's secret may call it by default (48002 for the other) */
  app: FakeAppName;
  /** the ids a request is about, for `inject({ forIds })` and the call log */
  ids(input: EndpointInput): string[];
  /** the fields of a successful answer (errcode 0 is added); throws `WecomFakeFailure` for business errors */
  handle(context: EndpointContext): Record<string, unknown>;
}

/** A required string parameter; missing or empty is 40058 ("invalid parameter"), as WeCom answers it. */
export function requiredString(source: Record<string, unknown>, name: string, errcode = 40058): string {
  const value = source[name];
  if (typeof value === 'string' && value !== '') return value;
  throw new WecomFakeFailure(errcode, `invalid parameter: ${name} is required`);
}

export function optionalString(source: Record<string, unknown>, name: string): string | undefined {
  const value = source[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An integer parameter within bounds, `fallback` when absent, 40058 when present but wrong. */
export function integerIn(source: Record<string, unknown>, name: string, min: number, max: number, fallback?: number): number {
  const value = source[name];
  if (value === undefined || value === null || value === '') {
    if (fallback !== undefined) return fallback;
    throw new WecomFakeFailure(40058, `invalid parameter: ${name} is required`);
  }
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new WecomFakeFailure(40058, `invalid parameter: ${name} must be an integer in [${min}, ${max}]`);
  }
  return number;
}

export function stringArray(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new WecomFakeFailure(40058, `invalid parameter: ${name} must be an array of strings`);
  }
  return value as string[];
}

export const firstString = (...values: unknown[]): string[] => values.filter((v): v is string => typeof v === 'string' && v !== '');

/** `GET user/get`: the method and the path below `/cgi-bin/`, as WeCom's docs write them. */
export type EndpointRoute = `${FakeEndpoint['method']} ${string}`;

/**
 * One WeCom API of the fake. `ids` names the parameter the request is about (read from the query of a GET, the
 * body of a POST), `null` for list calls about no id, or a function when the ids sit elsewhere.
 */
export function fakeEndpoint(
  route: EndpointRoute, app: FakeAppName, ids: string | null | FakeEndpoint['ids'], handle: FakeEndpoint['handle'],
): FakeEndpoint {
  const [method, path] = route.split(' ') as [FakeEndpoint['method'], string];
  const idsOf: FakeEndpoint['ids'] = typeof ids === 'function' ? ids
    : ids === null ? () => []
      : (input) => firstString((method === 'GET' ? input.query : input.body)[ids]);
  return { path, method, app, ids: idsOf, handle };
}
