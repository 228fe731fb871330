import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import type { Role } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import {
  configureHttpApp,
  EVENT_STORE,
  loadEngineStartup,
  type EngineStartup,
} from '@engine/platform';
import { AppModule } from '../../../apps/api/src/app.module';
import { ReadSideModule } from '../../../apps/api/src/read-side/read-side.module';
import { ProjectionsModule } from '../../../apps/worker/src/projections/projections.module';
import { createTarget, type Kind } from './read-side-fixture';

const SECRET = 'read-side-e2e-secret-long-enough-for-hs256!!';

/**
 * The engine app as `npm start` builds it, with the read side and the projection runners added
 * (importing them again is harmless once AppModule imports them itself).
 */
@Module({})
class ReadSideTestApp {
  static forRoot(startup: EngineStartup): DynamicModule {
    return {
      module: ReadSideTestApp,
      imports: [AppModule.forRoot(startup), ReadSideModule, ProjectionsModule],
    };
  }
}

export interface ReadSideEngine {
  readonly url: string;
  readonly store: EventStore;
  token(role: Role, options?: { sub?: string; org?: string }): Promise<string>;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export async function startReadSideEngine(kind: Kind): Promise<ReadSideEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'read-side-e2e-'));
  const target = await createTarget(kind);
  const startup = loadEngineStartup({
    EVENT_STORE: kind,
    SQLITE_PATH: target.sqlitePath ?? join(dir, 'engine.sqlite'),
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    SUPPORT_POLICY: join(__dirname, '../../../policy/almacare.yaml'),
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'error',
  });
  const app = await NestFactory.create<NestExpressApplication>(ReadSideTestApp.forRoot(startup), {
    logger: false,
    abortOnError: false,
  });
  configureHttpApp(app, startup.config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const key = new TextEncoder().encode(SECRET);
  return {
    url,
    store: app.get<EventStore>(EVENT_STORE),
    async token(role, options = {}) {
      const claims: Record<string, string> = { role };
      if (options.org) claims.org = options.org;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(options.sub ?? `${role}-1`)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key);
    },
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      await app.close();
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
