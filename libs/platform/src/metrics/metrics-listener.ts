import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EngineMetrics } from './engine-metrics';
import { metricsAccessAllowed } from './metrics-access';

export interface MetricsListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A minimal HTTP listener serving `GET /metrics` for a program without an HTTP API (the worker):
 * 401 without the METRICS_TOKEN when one is set, 404 for any other path.
 */
export async function listenForMetrics(
  metrics: EngineMetrics,
  options: { readonly port: number; readonly host?: string; readonly token: string | null },
): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    if (!metricsAccessAllowed(options.token, request.headers.authorization)) {
      response
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
        .end('Unauthorized\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
