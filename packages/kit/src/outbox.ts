import { randomUUID } from 'node:crypto';
import { EVENTS_EXCHANGE, messageSchemas, type Envelope, type MessagePayload, type MessageType } from '@doitcrm/types';
import type { Broker } from './broker.ts';
import type { Pool, Queryable } from './db.ts';
import type { Logger } from './logger.ts';
import { requestContext } from './logger.ts';

/**
 * Records an event in the same transaction as the data it describes. The relay publishes it afterwards, so an
 * event is never lost to a broker outage and never announces data that was rolled back.
 */
export async function enqueueEvent<T extends MessageType>(db: Queryable, type: T, payload: MessagePayload<T>): Promise<Envelope<MessagePayload<T>>> {
  // a malformed event is a bug of ours: fail the transaction rather than poison consumers
  const checked = messageSchemas[type].parse(payload) as MessagePayload<T>;
  const envelope: Envelope<MessagePayload<T>> = {
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    traceId: requestContext.getStore()?.traceId ?? randomUUID(),
    payload: checked,
  };
  await db.query(
    'INSERT INTO ops.outbox (id, exchange, routing_key, envelope) VALUES ($1, $2, $3, $4)',
    [envelope.id, EVENTS_EXCHANGE, type, JSON.stringify(envelope)],
  );
  return envelope;
}

interface OutboxRow {
  id: string;
  exchange: string;
  routing_key: string;
  envelope: Envelope;
}

/** Publishes committed outbox rows with confirms; several relays may run (rows are claimed with SKIP LOCKED). */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: { pool: Pool; broker: Broker; logger: Logger; intervalMs?: number }) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.timer = setTimeout(async () => {
        await this.flush().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'outbox relay pass failed'));
        tick();
      }, this.deps.intervalMs ?? 1_000);
    };
    tick();
  }

  /** Publishes everything pending now; resolves with how many went out. */
  async flush(): Promise<number> {
    if (this.running) await this.running;
    let published = 0;
    const pass = (async () => {
      for (;;) {
        const sent = await this.publishBatch();
        published += sent;
        if (sent === 0) break;
      }
    })();
    this.running = pass.finally(() => { this.running = undefined; });
    await this.running;
    return published;
  }

  private async publishBatch(): Promise<number> {
    const client = await this.deps.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, exchange, routing_key, envelope FROM ops.outbox WHERE published_at IS NULL
         ORDER BY created_at LIMIT 100 FOR UPDATE SKIP LOCKED`,
      );
      const done: string[] = [];
      for (const row of rows) {
        try {
          await this.deps.broker.publishEnvelope(this.deps.broker.name(row.exchange), row.routing_key, row.envelope);
          done.push(row.id);
        } catch (error) {
          await client.query('UPDATE ops.outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [row.id, String(error)]);
          break;
        }
      }
      if (done.length) await client.query('UPDATE ops.outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [done]);
      await client.query('COMMIT');
      return done.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }
}
