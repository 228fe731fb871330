import { startEngine, type EngineHarness } from '../../support/engine-harness';
import type { Kind } from './read-side-fixture';

/** The engine app as `npm start` builds it (read side and projections included). */
export type ReadSideEngine = EngineHarness;

export const startReadSideEngine = (kind: Kind): Promise<ReadSideEngine> => startEngine(kind);

/** A customer with one trained lead, registered through the API; returns the lead's token. */
export async function customerWithLead(
  engine: ReadSideEngine,
  customerId: string,
): Promise<string> {
  const admin = await engine.token('admin');
  const must = async (call: Promise<{ status: number; body: unknown }>) => {
    const { status, body } = await call;
    if (status >= 300) throw new Error(`${status} ${JSON.stringify(body)}`);
  };
  await must(
    engine.call('POST', '/customers', {
      token: admin,
      body: { id: customerId, name: customerId, plan: 'enhanced', hosts: 1000 },
    }),
  );
  const userId = `${customerId}-lead`;
  await must(
    engine.call('POST', `/customers/${customerId}/leads`, {
      token: admin,
      body: { userId, name: 'Lead', email: `${userId}@example.com` },
    }),
  );
  await must(
    engine.call('POST', `/customers/${customerId}/leads/${userId}/training`, { token: admin }),
  );
  return engine.token('customer-lead', { sub: userId, org: customerId });
}

/** Server-Sent Events over fetch: frames parsed as they arrive. */
export interface SseClient {
  readonly status: number;
  readonly frames: { id?: string; event?: string; data?: unknown }[];
  readonly comments: string[];
  waitFor(predicate: (frames: SseClient['frames']) => boolean, what: string): Promise<void>;
  close(): void;
}

export async function openStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const frames: SseClient['frames'] = [];
  const comments: string[] = [];
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const frame: SseClient['frames'][number] = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments.push(line.slice(1).trim());
              else if (line.startsWith('id: ')) frame.id = line.slice(4);
              else if (line.startsWith('event: ')) frame.event = line.slice(7);
              else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
            }
            if (frame.id !== undefined) frames.push(frame);
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: response.status,
    frames,
    comments,
    async waitFor(predicate, what) {
      const deadline = Date.now() + 15_000;
      while (!predicate(frames)) {
        if (Date.now() > deadline) throw new Error(`stream: timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => abort.abort(),
  };
}
