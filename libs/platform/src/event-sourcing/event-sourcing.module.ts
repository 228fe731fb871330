import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { createEventStore, observeCommands, type EventStore } from '@engine/event-store';
import type { PolicyRegistry } from '@engine/domain';
import type { EngineConfig } from '../config/engine-config';
import { EngineMetrics } from '../metrics/engine-metrics';
import { ENGINE_CONFIG, SUPPORT_POLICY_SOURCE } from '../platform.module';
import type { LoadedPolicy } from '../policy/policy-source';
import { EVENT_STORE, POLICY_REGISTRY } from './event-sourcing.tokens';
import { LeadDirectory } from '../auth/lead-directory.port';
import { CustomerReader } from './lead-directory';
import { openPolicyRegistry } from './policy-registry';

const providers: Provider[] = [
  {
    provide: EVENT_STORE,
    inject: [ENGINE_CONFIG, EngineMetrics],
    useFactory: async (config: EngineConfig, metrics: EngineMetrics): Promise<EventStore> => {
      if (config.eventStore === 'sqlite')
        mkdirSync(dirname(config.sqlitePath), { recursive: true });
      const store = await createEventStore({
        kind: config.eventStore,
        sqlitePath: config.sqlitePath,
        databaseUrl: config.databaseUrl ?? undefined,
        eventstoreUrl: config.eventStoreUrl ?? undefined,
      });
      // Every command on this store is counted (engine_commands_total and its neighbours).
      observeCommands(store, metrics.observeCommand);
      return store;
    },
  },
  {
    provide: POLICY_REGISTRY,
    inject: [EVENT_STORE, SUPPORT_POLICY_SOURCE],
    useFactory: (store: EventStore, loaded: LoadedPolicy): Promise<PolicyRegistry> => {
      const logger = new Logger('Policy');
      return openPolicyRegistry(store, loaded, new Date().toISOString(), (m) => logger.warn(m));
    },
  },
  {
    provide: CustomerReader,
    inject: [EVENT_STORE, POLICY_REGISTRY],
    useFactory: (store: EventStore, policies: PolicyRegistry) =>
      new CustomerReader(store, policies),
  },
  // The auth guard checks that a lead's `sub` is nominated, against the customer's stream.
  { provide: LeadDirectory, useExisting: CustomerReader },
];

/**
 * The event store, the registry of recorded policy versions and the stream readers both programs
 * use. The store is opened once per process and closed on shutdown.
 */
@Global()
@Module({
  providers,
  exports: [EVENT_STORE, POLICY_REGISTRY, CustomerReader, LeadDirectory],
})
export class EventSourcingModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
