import { Client, type ClientConfig } from 'pg';

const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * One dedicated connection that LISTENs for append notifications and wakes the subscriptions. A
 * notification is only a hint: subscriptions also poll, so a lost connection delays delivery by at
 * most a poll interval and loses nothing. After a reconnection everyone is woken, in case a
 * notification was missed while disconnected.
 */
export class AppendListener {
  private readonly listeners = new Set<() => void>();
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
  ) {}

  /** Registers a listener (connecting on first use); returns its unregistration. */
  add(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.client && !this.connecting && !this.reconnectTimer) this.connecting = this.connect();
    return () => this.listeners.delete(listener);
  }

  /** Wakes the local listeners (an append made by this process). */
  notifyLocal(): void {
    this.listeners.forEach((listener) => listener());
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.connecting;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    client.on('notification', () => this.notifyLocal());
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.failures = 0;
      this.notifyLocal();
    } catch {
      this.drop(client);
    } finally {
      this.connecting = null;
    }
  }

  private drop(client: Client): void {
    if (this.client === client) this.client = null;
    client.end().catch(() => undefined);
    if (this.closed || this.reconnectTimer || this.client || this.listeners.size === 0) return;
    this.failures += 1;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** this.failures);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed && !this.client && !this.connecting) this.connecting = this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }
}
