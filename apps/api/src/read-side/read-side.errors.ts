import { HttpProblem, validationProblem } from '@engine/platform';
import { InvalidCursorError } from '@engine/read-models';

/** Runs a list query; a cursor that is not this list's is a 400 like any other bad parameter. */
export async function withCursor<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw validationProblem([{ field: 'cursor', message: error.message }]);
    throw error;
  }
}

export const badParameter = (field: string, message: string): HttpProblem =>
  validationProblem([{ field, message }]);
