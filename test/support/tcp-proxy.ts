/**
 * A TCP proxy on 127.0.0.1 in front of a server, for network faults: `blackHole()` keeps every
 * connection open but lets no byte through either way (a cut cable, a dead NAT entry: nothing
 * is refused, nothing answers), `restore()` lets them through again, `resetAll()` resets every
 * connection, and `target` can be moved to another server (a failover behind one address).
 */
import net from 'node:net';

export class TcpProxy {
  target: number;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private holes = false;

  private constructor(target: number) {
    this.target = target;
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(target: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  blackHole(): void {
    this.holes = true;
  }

  restore(): void {
    this.holes = false;
  }

  resetAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      // Bytes sent into the hole are dropped, not queued: they never arrive.
      from.on('data', (chunk) => {
        if (!this.holes) to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
