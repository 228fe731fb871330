import { parseBigIntText, serializeRecordedEvent } from './event-store.json';
import type { RecordedEvent } from './event-store.port';

describe('serializeRecordedEvent', () => {
  it('turns bigints into decimal strings and survives JSON.stringify', () => {
    const event: RecordedEvent = {
      id: '0d6f1b8e-7f0a-4a50-9a53-3c7f9b0a1e11',
      type: 'incident.opened',
      streamId: 'incident-1',
      version: 1n,
      position: 9_007_199_254_740_993n,
      data: { severity: 1 },
      metadata: {
        occurredAt: '2025-01-01T00:00:00Z',
        actor: { id: 'u', role: 'customer-lead' },
        correlationId: 'c',
        causationId: null,
      },
    };
    const json = JSON.parse(JSON.stringify(serializeRecordedEvent(event)));
    expect(json).toEqual({ ...event, version: '1', position: '9007199254740993' });
  });
});

describe('parseBigIntText', () => {
  it('parses canonical non-negative integers only', () => {
    expect(parseBigIntText('0')).toBe(0n);
    expect(parseBigIntText('9007199254740993')).toBe(9_007_199_254_740_993n);
    for (const bad of ['', '-1', '01', '1.0', ' 1', '1e3', 'x'])
      expect(() => parseBigIntText(bad, 'position')).toThrow(TypeError);
  });
});
