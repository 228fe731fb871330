import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { createDtoTransformer } from './dto-transformer';
import { HttpProblem } from './http-problem';

/** One broken rule of a request's shape; nested fields dotted (`customer.plan`, `holidays.0`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * DTO validation at the edge: unknown fields refused, no implicit type conversion (a string
 * "2" is not a severity), every broken rule answered at once as 400 `validation-failed` with
 * `errors: [{ field, message }]`. Bodies become DTO instances through `createDtoTransformer`
 * (class-transformer, with a shortcut for classes without its decorators).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    transformerPackage: createDtoTransformer(),
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });
}

export function validationProblem(errors: readonly FieldError[]): HttpProblem {
  const shown = errors.slice(0, 5).map((error) => error.message);
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : '';
  return new HttpProblem(400, 'validation-failed', `${shown.join('; ')}${more}.`, {
    details: { errors },
  });
}

/** class-validator's tree of errors as a flat list, one entry per broken constraint. */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  parent = '',
): FieldError[] {
  return errors.flatMap((error) => {
    const field = [parent, error.property].filter((part) => part !== '' && part != null).join('.');
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field: field || 'body',
      message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}
