import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as the receiver got it, and whether each secret it was told about verified it. */
export interface Received {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly json: any;
  readonly receivedAt: number;
  readonly status: number;
  /** Secret -> verified with `Webhook.verify` of the standardwebhooks package. */
  readonly verified: Record<string, boolean>;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

/**
 * A downstream system on 127.0.0.1: records every request, verifies each with the standardwebhooks
 * package against the secrets of its path, and answers per path (a script of answers, then 200).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly secrets = new Map<string, string[]>();
  private readonly scripts = new Map<string, Answer[]>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The secrets a path's requests are verified with (each on its own). */
  verifyWith(path: string, ...secrets: string[]): void {
    this.secrets.set(path, secrets);
  }

  /** The next answers of a path, in order; afterwards 200. */
  answer(path: string, ...answers: Answer[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...answers]);
  }

  at(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }

  async start(port = this.port): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Down: the port refuses connections (kept, so `start()` comes back on it). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = request.url ?? '/';
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    const verified: Record<string, boolean> = {};
    for (const secret of this.secrets.get(path) ?? []) {
      try {
        new Webhook(secret).verify(body, headers);
        verified[secret] = true;
      } catch {
        verified[secret] = false;
      }
    }
    const answer = this.scripts.get(path)?.shift() ?? { status: 200 };
    let json: unknown = null;
    try {
      json = JSON.parse(body);
    } catch {
      /* recorded as is */
    }
    this.received.push({
      path,
      headers,
      body,
      json,
      receivedAt: Date.now(),
      status: answer.status,
      verified,
    });
    response.writeHead(answer.status, answer.headers);
    response.end();
  }
}
