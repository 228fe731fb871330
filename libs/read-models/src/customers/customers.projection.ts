import {
  evolveCustomer,
  initialCustomerState,
  type CustomerEvent,
  type RegisteredCustomer,
} from '@engine/domain';
import {
  idAfterPrefix,
  type DocumentProjection,
  type Projection,
} from '../projection/projection.model';
import type { TableSchema } from '../schema/table-schema';

export const CUSTOMER_STREAM_PREFIX = 'customer-';

export interface CustomerDoc {
  readonly state: RegisteredCustomer;
  readonly version: bigint;
  readonly position: bigint;
}

export const CUSTOMERS_TABLE: TableSchema = {
  name: 'customers',
  primaryKey: 'id',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'plan', type: 'text' },
    { name: 'hosts', type: 'integer' },
    { name: 'time_zone', type: 'text' },
    { name: 'leads_count', type: 'integer' },
    { name: 'trained_leads_count', type: 'integer' },
    { name: 'version', type: 'bigint' },
    { name: 'position', type: 'bigint' },
    { name: 'state', type: 'text' },
  ],
  indexes: [['plan']],
};

export const customerDocument: DocumentProjection<CustomerDoc> = {
  table: CUSTOMERS_TABLE,
  keyOf: (event) => idAfterPrefix(event.streamId, CUSTOMER_STREAM_PREFIX),
  evolve(doc, event) {
    const state = evolveCustomer(doc?.state ?? initialCustomerState, {
      type: event.type,
      data: event.data,
    } as CustomerEvent);
    if (state.status !== 'registered') return doc;
    return { state, version: event.version, position: event.position };
  },
  toRow: ({ state, version, position }) => ({
    id: state.customerId,
    name: state.name,
    plan: state.plan,
    hosts: state.hosts,
    time_zone: state.timeZone,
    leads_count: state.leads.length,
    trained_leads_count: state.leads.filter((lead) => lead.trained).length,
    version,
    position,
    state: JSON.stringify(state),
  }),
  fromRow: (row) => ({
    state: JSON.parse(String(row.state)) as RegisteredCustomer,
    version: BigInt(row.version as bigint),
    position: BigInt(row.position as bigint),
  }),
};

/** Customers with plan, hosts and how many technical leads they have. */
export const customersProjection: Projection = {
  name: 'customers',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  documents: [customerDocument],
};
