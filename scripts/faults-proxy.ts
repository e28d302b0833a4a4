// A loopback TCP proxy that can stall: while stalled it moves no byte in either direction and connects no new
// client, but closes nothing, the way a congested or half-dead network path looks to a client (Toxiproxy's
// `timeout` toxic without the close, https://github.com/Shopify/toxiproxy#timeout).
import net from 'node:net';

export class StallingProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private readonly waiting: net.Socket[] = [];
  private stalled = false;

  constructor(readonly name: string, readonly listenPort: number, private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      client.on('error', () => {});
      if (this.stalled) {
        client.pause();
        this.waiting.push(client);
      } else {
        this.connect(client);
      }
    });
  }

  private connect(client: net.Socket): void {
    const upstream = net.connect({ host: '127.0.0.1', port: this.targetPort });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const forget = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', forget);
    upstream.once('close', forget);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
  }

  stall(): void {
    this.stalled = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  resume(): void {
    this.stalled = false;
    for (const [client, upstream] of this.pairs) {
      client.pipe(upstream);
      upstream.pipe(client);
    }
    for (const client of this.waiting.splice(0)) if (!client.destroyed) this.connect(client);
  }

  get connections(): number {
    return this.pairs.size;
  }

  close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    for (const client of this.waiting.splice(0)) client.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
