import 'reflect-metadata';
import { Exclude, Transform, Type, plainToInstance } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString } from 'class-validator';
import { createDtoTransformer } from './dto-transformer';

class FlatDto {
  @IsString()
  message!: string;

  @IsOptional()
  @IsString()
  kind: string = 'incident';

  @IsOptional()
  @IsObject()
  details?: Record<string, unknown>;
}

class WithAccessorDto {
  @IsString()
  name!: string;

  get shout(): string {
    return this.name.toUpperCase();
  }
}

class TypedDto {
  @Type(() => Number)
  @IsInt()
  limit!: number;
}

class ChildOfTypedDto extends TypedDto {
  @IsString()
  label!: string;
}

class TransformedDto {
  @Transform(({ value }) => (value === 'true' ? true : value))
  flag!: unknown;
}

class ExcludingDto {
  @Exclude()
  secret?: string;

  name!: string;
}

const OPTIONS = { enableImplicitConversion: false };

describe('createDtoTransformer', () => {
  const { plainToInstance: transform } = createDtoTransformer();

  it('makes an instance of a class without transformer decorators, as class-transformer does', () => {
    const value = { message: 'Looking into it.', details: { host: 'web-1', tries: [1, 2] } };
    const result = transform(FlatDto, value, OPTIONS);
    expect(result).toBeInstanceOf(FlatDto);
    expect(result).toEqual(plainToInstance(FlatDto, value, OPTIONS));
    expect(result).toEqual({ ...value, kind: 'incident' });
  });

  it('keeps the field initialisers of keys the body leaves out and overwrites the others', () => {
    expect(transform(FlatDto, { message: 'x' }, OPTIONS)).toEqual({
      message: 'x',
      kind: 'incident',
    });
    expect(transform(FlatDto, { message: 'x', kind: 'service-request' }, OPTIONS)).toEqual({
      message: 'x',
      kind: 'service-request',
    });
  });

  it('takes the shortcut for such a class: nested values are the request’s own, not copies', () => {
    const details = { host: 'web-1' };
    const result = transform(FlatDto, { message: 'x', details }, OPTIONS) as FlatDto;
    expect(result.details).toBe(details);
    // class-transformer copies them.
    expect(plainToInstance(FlatDto, { message: 'x', details }, OPTIONS).details).not.toBe(details);
  });

  it('leaves a class with @Type, @Transform or @Exclude, or a parent with them, to class-transformer', () => {
    expect(transform(TypedDto, { limit: '25' }, OPTIONS)).toEqual({ limit: 25 });
    expect(transform(ChildOfTypedDto, { limit: '7', label: 'a' }, OPTIONS)).toEqual({
      limit: 7,
      label: 'a',
    });
    expect(transform(TransformedDto, { flag: 'true' }, OPTIONS)).toEqual({ flag: true });
    expect(transform(ExcludingDto, { secret: 's', name: 'n' }, OPTIONS)).toEqual(
      plainToInstance(ExcludingDto, { secret: 's', name: 'n' }, OPTIONS),
    );
    expect(
      (transform(ExcludingDto, { secret: 's', name: 'n' }, OPTIONS) as ExcludingDto).secret,
    ).toBeUndefined();
  });

  it('answers bodies with keys the instance inherits exactly as class-transformer does', () => {
    for (const [metatype, value] of [
      [FlatDto, { message: 'x', toString: 'y' }],
      [FlatDto, { message: 'x', constructor: 'y' }],
      [FlatDto, JSON.parse('{"message":"x","__proto__":{"admin":true}}')],
      [WithAccessorDto, { name: 'n', shout: 'NO' }],
    ] as const) {
      const expected = plainToInstance(metatype as never, value, OPTIONS) as object;
      const result = transform(metatype as never, value, OPTIONS) as object;
      expect(result).toEqual(expected);
      expect(Object.keys(result)).toEqual(Object.keys(expected));
    }
  });

  it('leaves other values and other options to class-transformer', () => {
    expect(transform(FlatDto, [{ message: 'x' }], OPTIONS)).toEqual(
      plainToInstance(FlatDto, [{ message: 'x' }], OPTIONS),
    );
    expect(transform(FlatDto, 'text', OPTIONS)).toBe('text');
    // With implicit conversion the design types count: class-transformer converts.
    const converted = transform(FlatDto, { message: 5 }, { enableImplicitConversion: true });
    expect(converted).toEqual({ message: '5', kind: 'incident' });
  });
});
