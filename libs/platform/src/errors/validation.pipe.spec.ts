import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import type { ArgumentMetadata } from '@nestjs/common';
import { HttpProblem } from './http-problem';
import { createValidationPipe, flattenValidationErrors } from './validation.pipe';

class CustomerDto {
  @IsIn(['essential', 'enhanced'])
  plan!: string;
}

class OpenDto {
  @IsInt()
  @Min(1)
  @Max(4)
  severity!: number;

  @IsString()
  title!: string;

  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;
}

const body: ArgumentMetadata = { type: 'body', metatype: OpenDto };

/** No class-transformer decorator: its instances are made by the transformer's shortcut. */
class NoteDto {
  @IsString()
  message!: string;

  @IsOptional()
  @IsString()
  kind: string = 'incident';
}

const note: ArgumentMetadata = { type: 'body', metatype: NoteDto };

async function refusal(value: unknown, metadata: ArgumentMetadata = body): Promise<HttpProblem> {
  try {
    await createValidationPipe().transform(value, metadata);
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('createValidationPipe', () => {
  it('passes a valid body through as an instance of the DTO', async () => {
    const value = { severity: 2, title: 'x', customer: { plan: 'enhanced' } };
    const result = await createValidationPipe().transform(value, body);
    expect(result).toBeInstanceOf(OpenDto);
    expect(result).toEqual(value);
  });

  it('answers 400 validation-failed listing every broken rule, nested fields dotted', async () => {
    const problem = await refusal({ severity: '2', title: 7, customer: { plan: 'gold' } });
    expect(problem.getStatus()).toBe(400);
    expect(problem.body.code).toBe('validation-failed');
    const fields = (problem.body.errors as { field: string }[]).map((error) => error.field);
    expect(new Set(fields)).toEqual(new Set(['severity', 'title', 'customer.plan']));
  });

  it('refuses unknown fields, also nested ones', async () => {
    const problem = await refusal({
      severity: 2,
      title: 'x',
      customer: { plan: 'enhanced', discount: 1 },
      admin: true,
    });
    expect(problem.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'customer.discount', message: 'property discount should not exist' },
        { field: 'admin', message: 'property admin should not exist' },
      ]),
    );
    expect(problem.body.errors).toHaveLength(2);
  });

  it('refuses values outside a fixed range', async () => {
    const problem = await refusal({ severity: 5, title: 'x', customer: { plan: 'enhanced' } });
    expect(problem.body.errors).toEqual([
      { field: 'severity', message: 'severity must not be greater than 4' },
    ]);
  });
});

describe('createValidationPipe, DTO classes without class-transformer decorators', () => {
  it('passes a valid body as an instance of its DTO, field initialisers kept', async () => {
    const result = await createValidationPipe().transform({ message: 'x' }, note);
    expect(result).toBeInstanceOf(NoteDto);
    expect(result).toEqual({ message: 'x', kind: 'incident' });
  });

  it('still refuses unknown fields and wrong types', async () => {
    const problem = await refusal({ message: 7, admin: true }, note);
    expect(problem.body.code).toBe('validation-failed');
    expect(problem.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'admin', message: 'property admin should not exist' },
        { field: 'message', message: 'message must be a string' },
      ]),
    );
  });

  it('drops a key the instance inherits (toString), as class-transformer always has', async () => {
    const result = (await createValidationPipe().transform(
      { message: 'x', toString: 'y' },
      note,
    )) as object;
    expect(Object.hasOwn(result, 'toString')).toBe(false);
    expect(result).toEqual({ message: 'x', kind: 'incident' });
  });
});

describe('flattenValidationErrors', () => {
  it('dots array indexes and names a whole-body error `body`', () => {
    expect(
      flattenValidationErrors([
        {
          property: 'holidays',
          children: [{ property: '0', constraints: { isDate: 'must be a date' }, children: [] }],
        },
        { property: '', constraints: { unknownValue: 'an unknown value was passed' } },
      ]),
    ).toEqual([
      { field: 'holidays.0', message: 'must be a date' },
      { field: 'body', message: 'an unknown value was passed' },
    ]);
  });
});
