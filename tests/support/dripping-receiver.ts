import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A receiver that reads each request, answers 200 at once, and then sends its (long) body one byte
 * every `everyMs`: each gap inside the client's body timeout, the whole taking hours. It verifies
 * nothing; it counts the requests it answered and the answers still dripping.
 */
export class DrippingReceiver {
  answered = 0;
  dripping = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(everyMs: number): Promise<DrippingReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new DrippingReceiver(server, (server.address() as AddressInfo).port);
    server.on('request', (req, res) => {
      req.resume();
      req.on('end', () => {
        receiver.answered += 1;
        receiver.dripping += 1;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
        const timer = setInterval(() => res.write(' '), everyMs);
        res.on('close', () => {
          clearInterval(timer);
          receiver.dripping -= 1;
        });
      });
    });
    return receiver;
  }

  url(): string {
    return `http://127.0.0.1:${this.port}/hooks/notifications`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
