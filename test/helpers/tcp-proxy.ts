import * as net from 'node:net';

/**
 * A TCP relay a test puts between the bot and Azurite to cut storage off at an exact moment: `blackhole()`
 * stops passing bytes either way (requests and answers alike vanish, as on a network that drops packets;
 * connections stay open); `restore()` closes the cut connections and relays new ones again. Unlike stopping
 * Azurite, nothing written during the cut is applied later.
 */
export class TcpProxy {
  port = 0;
  private server?: net.Server;
  private cut = false;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {}

  async start(): Promise<this> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('data', (d) => {
        if (!this.cut) upstream.write(d);
      });
      upstream.on('data', (d) => {
        if (!this.cut) client.write(d);
      });
      client.on('close', drop).on('error', drop);
      upstream.on('close', drop).on('error', drop);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  blackhole(): void {
    this.cut = true;
  }

  restore(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    this.cut = false;
  }

  async stop(): Promise<void> {
    this.restore();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
