import { EngineMetrics } from './engine-metrics';
import { listenForMetrics, type MetricsListener } from './metrics-listener';

describe("the worker program's metrics listener", () => {
  const metrics = new EngineMetrics();
  let listener: MetricsListener;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${listener.port}${path}`, { headers });

  beforeAll(async () => {
    metrics.webhookDelivery('delivered');
    listener = await listenForMetrics(metrics, { port: 0, host: '127.0.0.1', token: 'tok' });
  });
  afterAll(() => listener?.close());

  it('serves the registry at /metrics behind METRICS_TOKEN, and nothing else', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);
    const scraped = await get('/metrics?x=1', { authorization: 'Bearer tok' });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await scraped.text()).toMatch(
      /^engine_webhook_deliveries_total\{outcome="delivered"\} 1$/m,
    );
    expect((await get('/', { authorization: 'Bearer tok' })).status).toBe(404);
  });
});
