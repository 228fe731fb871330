/**
 * The shape every aggregate follows: `decide` holds the rules and may refuse (throwing a
 * DomainError); `evolve` folds an accepted event into state and never validates nor throws, so
 * old events always replay.
 */
export interface Decider<Command, Event, State> {
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
}

export type VendorRole = 'engineer' | 'senior-engineer' | 'team-lead' | 'cxo';
export type Role = 'customer-lead' | VendorRole | 'ops' | 'admin' | 'system';

export const VENDOR_ROLES: readonly VendorRole[] = [
  'engineer',
  'senior-engineer',
  'team-lead',
  'cxo',
];
export const ROLES: readonly Role[] = ['customer-lead', ...VENDOR_ROLES, 'ops', 'admin', 'system'];

export const isVendorRole = (role: Role): role is VendorRole =>
  (VENDOR_ROLES as readonly Role[]).includes(role);

export interface Actor {
  readonly id: string;
  readonly role: Role;
  /** The customer a `customer-lead` acts for (the token's `org` claim). */
  readonly org?: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };

/** What every command brings with it: the time of the decision and who asks. */
export interface CommandMeta {
  /** RFC 3339 UTC instant; the domain never reads the clock. */
  readonly now: string;
  readonly actor: Actor;
}

/** A domain event as a decider produces it; the store adds id, stream, version, position, metadata. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Command<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly meta: CommandMeta;
}

export const fold = <Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState);

/** Exhaustiveness check at the end of every switch over a union's `type`. */
export const assertNever = (value: never): never => {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
};

/**
 * The default branch of an `evolve` switch: exhaustive at compile time, while an event type from a
 * newer writer is ignored at run time (evolve never throws, so old and new events always replay).
 */
export const ignoreUnknown = <State>(_event: never, state: State): State => state;
