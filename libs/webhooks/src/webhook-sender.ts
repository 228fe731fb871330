import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { ResolvedTarget } from './target-guard';

/** What one attempt got back: a status (null when no response came), or why not. */
export interface SendResult {
  readonly status: number | null;
  readonly latencyMs: number;
  /** null on a 2xx; else the transport error, or `HTTP <status>` with the start of the body. */
  readonly error: string | null;
  readonly retryAfter: string | null;
}

export const DELIVERY_TIMEOUT_MS = 15_000;
const BODY_SNIPPET_BYTES = 200;
const USER_AGENT = 'incident-engine-webhooks/1';

// Keep-alive: a busy endpoint gets its deliveries over a few reused connections.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

/**
 * POSTs the body to the checked address of the target, with the URL's host name in `Host` and in
 * TLS (SNI and certificate check). Redirects are not followed (a 3xx is a failed attempt); the
 * whole exchange is cut off after `timeoutMs`.
 */
export function postWebhook(
  target: ResolvedTarget,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<SendResult> {
  const { url } = target;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    const request = (secure ? https : http).request({
      host: target.address,
      family: target.family,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      agent: agents[secure ? 'https:' : 'http:'],
      servername: secure && isIP(hostname) === 0 ? hostname : undefined,
      auth: url.username
        ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
        : undefined,
      headers: {
        ...headers,
        host: url.host,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': USER_AGENT,
      },
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    request.on('error', (error) =>
      finish({ status: null, error: error.message, retryAfter: null }),
    );
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept < BODY_SNIPPET_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      response.on('error', (error) => finish({ status, error: error.message, retryAfter: null }));
      response.on('end', () => {
        const retryAfter = response.headers['retry-after'] ?? null;
        if (status >= 200 && status < 300) return finish({ status, error: null, retryAfter });
        const snippet = Buffer.concat(chunks).toString('utf8').slice(0, BODY_SNIPPET_BYTES).trim();
        finish({ status, error: `HTTP ${status}${snippet ? `: ${snippet}` : ''}`, retryAfter });
      });
    });
    request.end(body);
  });
}
