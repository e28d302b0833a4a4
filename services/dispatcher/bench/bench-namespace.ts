// Everything the dispatcher benchmark declares in RabbitMQ, under one namespace of its own, so that it can all be
// removed at the end — after a normal finish, an error, or Ctrl-C — and nothing of another run or another helper's
// tests is ever touched. A queue or exchange is recorded before it is declared, so one whose declaration failed
// half-way is still on the list to delete.
import type { Channel, ChannelModel, Options } from 'amqplib';
import { withAmqpChannel } from '@doitcrm/kit';

/**
 * A safety net only for a run killed with -9 (no clean-up can run then): the broker drops a bench queue 10 minutes
 * after its last consumer left, and a bench exchange when its last binding goes. A finished run deletes them at once.
 */
const ORPHAN_QUEUE_EXPIRES_MS = 10 * 60_000;

export interface Removed {
  queues: string[];
  exchanges: string[];
}

export class BenchNamespace {
  /** declared and not deleted yet */
  private readonly queues = new Set<string>();
  private readonly exchanges = new Set<string>();
  /** everything ever declared, for the final check that none of it is left */
  private readonly history: Removed = { queues: [], exchanges: [] };
  /** declarations on their way to the broker: clean-up waits for them, or one could land after its delete */
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  /** `benchdispatch<pid>.`: two runs on one broker never share a name, and none collides with a service's. */
  constructor(readonly prefix = `benchdispatch${process.pid}.`) {
    if (!/^benchdispatch[a-z0-9]*\.$/u.test(prefix)) throw new Error(`a bench namespace is benchdispatch<letters or digits>., got ${prefix}`);
  }

  name(logical: string): string {
    return `${this.prefix}${logical}`;
  }

  /** Declares a durable queue (its name namespaced) and returns the full name. */
  async queue(channel: Channel, logical: string, args: Record<string, unknown>): Promise<string> {
    const queue = this.name(logical);
    await this.declare(this.queues, this.history.queues, queue, () => channel.assertQueue(queue, { durable: true, arguments: { ...args, 'x-expires': ORPHAN_QUEUE_EXPIRES_MS } }));
    return queue;
  }

  async exchange(channel: Channel, logical: string, type: 'topic' | 'direct', options: Options.AssertExchange = {}): Promise<string> {
    const exchange = this.name(logical);
    await this.declare(this.exchanges, this.history.exchanges, exchange, () => channel.assertExchange(exchange, type, { durable: true, autoDelete: true, ...options }));
    return exchange;
  }

  private async declare(names: Set<string>, history: string[], name: string, assert: () => Promise<unknown>): Promise<void> {
    // after clean-up began (Ctrl-C mid-run), the run must not put anything back
    if (this.closed) throw new Error(`the bench is stopping: ${name} not declared`);
    names.add(name);
    if (!history.includes(name)) history.push(name);
    const declaring = assert();
    this.pending.add(declaring);
    try {
      await declaring;
    } finally {
      this.pending.delete(declaring);
    }
  }

  /** Every name declared in this run, deleted since or not (the test checks each is gone afterwards). */
  declared(): Removed {
    return { queues: [...this.history.queues], exchanges: [...this.history.exchanges] };
  }

  /** Declared and not deleted yet: what a Ctrl-C now would have to delete. */
  outstanding(): Removed {
    return { queues: [...this.queues], exchanges: [...this.exchanges] };
  }

  /** Deletes the queues given (a case's, between cases), on a channel of its own. */
  async deleteQueues(connection: ChannelModel, queues: readonly string[]): Promise<void> {
    await withAmqpChannel(connection, async (channel) => {
      for (const queue of queues) {
        await channel.deleteQueue(queue);
        this.queues.delete(queue);
      }
    });
  }

  /**
   * Deletes everything still declared, and refuses declarations from then on. Deleting a missing queue or exchange succeeds on RabbitMQ, so a second call,
   * or a name whose declaration never reached the broker, is harmless. A failure leaves the name on the list and is
   * thrown after the rest were tried.
   */
  async deleteAll(connection: ChannelModel): Promise<Removed> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
    const removed: Removed = { queues: [], exchanges: [] };
    const failures: string[] = [];
    const attempt = async (kind: 'queue' | 'exchange', name: string) => {
      try {
        await withAmqpChannel(connection, (channel) => (kind === 'queue' ? channel.deleteQueue(name) : channel.deleteExchange(name)));
        (kind === 'queue' ? this.queues : this.exchanges).delete(name);
        (kind === 'queue' ? removed.queues : removed.exchanges).push(name);
      } catch (error) {
        failures.push(`${kind} ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    // queues first: an exchange goes once nothing is bound to it
    for (const queue of [...this.queues]) await attempt('queue', queue);
    for (const exchange of [...this.exchanges]) await attempt('exchange', exchange);
    if (failures.length > 0) throw new Error(`could not delete ${failures.join('; ')}`);
    return removed;
  }
}

