import { customersProjection } from '../customers/customers.projection';
import { incidentsProjection } from '../incidents/incidents.projection';
import { knownErrorsProjection } from '../known-errors/known-errors.projection';
import type { Projection } from './projection.model';

/** Every projection the engine keeps, by name (the name of `POST /admin/projections/:name/rebuild`). */
export const PROJECTIONS: readonly Projection[] = [
  incidentsProjection,
  customersProjection,
  knownErrorsProjection,
];

export class UnknownProjectionError extends Error {
  readonly code = 'unknown-projection';

  constructor(readonly projection: string) {
    super(
      `No projection named ${JSON.stringify(projection)} (known: ${PROJECTIONS.map((p) => p.name).join(', ')}).`,
    );
    this.name = 'UnknownProjectionError';
  }
}

export function projectionNamed(name: string): Projection {
  const projection = PROJECTIONS.find((candidate) => candidate.name === name);
  if (!projection) throw new UnknownProjectionError(name);
  return projection;
}
