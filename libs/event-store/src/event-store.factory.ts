import type { EventStore } from './event-store.port';

export type EventStoreKind = 'sqlite' | 'postgres' | 'esdb';

export interface EventStoreConfig {
  readonly kind: EventStoreKind;
  /** For 'sqlite': a file path (its directory must exist), or ':memory:'. */
  readonly sqlitePath?: string;
  /** For 'postgres': a connection URL. */
  readonly databaseUrl?: string;
  /** For 'esdb': e.g. `esdb://127.0.0.1:2113?tls=false`. */
  readonly eventstoreUrl?: string;
}

const required = (value: string | undefined, name: string, kind: EventStoreKind): string => {
  if (!value) throw new TypeError(`event store '${kind}' needs ${name}`);
  return value;
};

/**
 * Opens the configured store (migrations included). Adapters are loaded on demand, so a process
 * running on SQLite never loads the gRPC client. @throws StoreUnavailableError
 */
export async function createEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite': {
      const { SqliteEventStore } = await import('./sqlite-event-store.adapter');
      return new SqliteEventStore({ path: required(config.sqlitePath, 'sqlitePath', config.kind) });
    }
    case 'postgres': {
      const { PostgresEventStore } = await import('./postgres-event-store.adapter');
      return PostgresEventStore.connect({
        connectionString: required(config.databaseUrl, 'databaseUrl', config.kind),
      });
    }
    case 'esdb': {
      const { EsdbEventStore } = await import('./esdb-event-store.adapter');
      return EsdbEventStore.connect({
        connectionString: required(config.eventstoreUrl, 'eventstoreUrl', config.kind),
      });
    }
    default: {
      const kind: never = config.kind;
      throw new TypeError(`unknown event store kind ${JSON.stringify(kind)}`);
    }
  }
}
