// What the fake's limits allow: the anchor the bench's wall time is held against (README "Bench").

export type EndpointCalls = Record<string, number>;

/**
 * The limits the bench gives the fake, from external-apis.md §2.3: search and field listing 20 calls/s; record
 * writes 10/s, the older and stricter of the two documented figures (current docs say 50/s). The token endpoint
 * has no documented limit and gets none.
 */
export const BENCH_CALLS_PER_SECOND = {
  fields_list: 20, records_search: 20, record_get: 20,
  records_batch_create: 10, records_batch_update: 10, records_batch_delete: 10,
} as const;

const WRITES = new Set(['records_batch_create', 'records_batch_update', 'records_batch_delete']);

/**
 * The least wall time, in ms, the calls could take under these limits: Σ over endpoints of n_e × max(1000 / L_e, h_e),
 * where n_e is the calls made to endpoint e, L_e its calls per second, and h_e how long each write holds its table
 * (writes to one table cannot overlap, 1254291; 0 for reads). Endpoints add up rather than overlap because each phase
 * of a sync needs the ids the one before it made: the reads come first, the learning records link the students
 * created before them, and the students' link cells name those records. Endpoints without a limit count 0.
 */
export function rateAnchorMs(calls: EndpointCalls, limits: Readonly<Record<string, number>>, writeHoldMs: number): number {
  return Math.round(perEndpointMs(calls, limits, writeHoldMs).reduce((sum, ms) => sum + ms, 0));
}

/** The busiest API's share alone: no client, however it overlaps its calls, finishes sooner. */
export function busiestApiMs(calls: EndpointCalls, limits: Readonly<Record<string, number>>, writeHoldMs: number): number {
  return Math.round(Math.max(0, ...perEndpointMs(calls, limits, writeHoldMs)));
}

function perEndpointMs(calls: EndpointCalls, limits: Readonly<Record<string, number>>, writeHoldMs: number): number[] {
  return Object.entries(calls).map(([endpoint, n]) => {
    const limit = limits[endpoint];
    const slotMs = limit === undefined ? 0 : 1000 / limit;
    return n * Math.max(slotMs, WRITES.has(endpoint) ? writeHoldMs : 0);
  });
}
