import { deriveEventId, uuidV5 } from './command-event-id';

describe('deriveEventId', () => {
  it('implements UUID v5 (RFC 9562 test vector: DNS namespace, www.example.com)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is deterministic and a version 5 UUID', () => {
    const id = deriveEventId('incident-1', 'cmd-1', 0);
    expect(id).toBe(deriveEventId('incident-1', 'cmd-1', 0));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Fixed forever: stores already hold events under ids derived this way.
    expect(id).toBe('e8a7591e-b383-5907-af8c-b53fab60c78a');
  });

  it('differs by stream, command and index', () => {
    const ids = new Set([
      deriveEventId('incident-1', 'cmd-1', 0),
      deriveEventId('incident-1', 'cmd-1', 1),
      deriveEventId('incident-1', 'cmd-2', 0),
      deriveEventId('incident-2', 'cmd-1', 0),
      deriveEventId('incident-1\ncmd', '1', 0),
      deriveEventId('incident-1', 'cmd\n1', 0),
    ]);
    expect(ids.size).toBe(6);
  });
});
