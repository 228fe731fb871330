import type { IncidentOpened } from '@engine/domain';
import type { EventStore, RecordedEvent } from '@engine/event-store';

const CACHE_SIZE = 10_000;

/**
 * Which customer an incident belongs to, for subscriptions filtered by customer: only
 * `incident.opened` says so, so later events are matched through the incident's stream (read once,
 * then remembered; the most recently used incidents stay cached).
 */
export class IncidentCustomers {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly store: EventStore) {}

  /** Learns from an `incident.opened` passing by, sparing a read later. */
  remember(event: RecordedEvent): void {
    if (event.type !== 'incident.opened') return;
    const { customerId } = event.data as Partial<IncidentOpened['data']>;
    this.keep(event.streamId, typeof customerId === 'string' ? customerId : null);
  }

  async of(event: RecordedEvent): Promise<string | null> {
    this.remember(event);
    if (this.cache.has(event.streamId)) {
      const customerId = this.cache.get(event.streamId) ?? null;
      this.keep(event.streamId, customerId); // most recently used last
      return customerId;
    }
    const [first] = await this.store.readStream(event.streamId);
    const data =
      first?.type === 'incident.opened' ? (first.data as Partial<IncidentOpened['data']>) : {};
    const customerId = typeof data.customerId === 'string' ? data.customerId : null;
    this.keep(event.streamId, customerId);
    return customerId;
  }

  private keep(streamId: string, customerId: string | null): void {
    this.cache.delete(streamId);
    this.cache.set(streamId, customerId);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }
}
