import * as classTransformer from 'class-transformer';
import type { ClassConstructor, ClassTransformOptions } from 'class-transformer';

/**
 * class-transformer's storage of @Type, @Transform, @Expose and @Exclude, as @nestjs/mapped-types
 * reads it (the package has no public accessor for it).
 */
interface TransformerMetadataStorage {
  readonly _typeMetadatas: Map<unknown, unknown>;
  readonly _transformMetadatas: Map<unknown, unknown>;
  readonly _exposeMetadatas: Map<unknown, unknown>;
  readonly _excludeMetadatas: Map<unknown, unknown>;
}

function transformerStorage(): TransformerMetadataStorage | null {
  for (const path of ['class-transformer/cjs/storage', 'class-transformer/storage']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const storage = (require(path) as { defaultMetadataStorage?: TransformerMetadataStorage })
        .defaultMetadataStorage;
      if (storage?._typeMetadatas instanceof Map) return storage;
    } catch {
      // the next path, or none: every class then goes through class-transformer
    }
  }
  return null;
}

/**
 * The ValidationPipe's transformer: class-transformer, with a shortcut for the common case of a
 * request body.
 *
 * Without implicit conversion, `plainToInstance` turns a plain object into an instance of a class
 * that carries none of class-transformer's decorators (nor do its ancestors) by creating the
 * instance and setting each key of the object on it; it walks every key and its metadata to find
 * that out, on every request. The shortcut does the same in one step: `new Dto()` (field
 * initialisers run), then the object's own keys. It takes only such classes and only plain
 * objects none of whose keys the instance already has through its prototype (`constructor`,
 * `toString`, an accessor...); anything else, and any other option, goes to class-transformer
 * unchanged. Nested values are kept as they are rather than copied: they are the request's own.
 */
export function createDtoTransformer(): {
  plainToInstance: typeof classTransformer.plainToInstance;
  classToPlain: typeof classTransformer.classToPlain;
} {
  const storage = transformerStorage();
  const plainClasses = new WeakMap<object, boolean>();

  const isPlainClass = (metatype: ClassConstructor<unknown>): boolean => {
    let known = plainClasses.get(metatype);
    if (known === undefined) {
      known = storage !== null && !hasTransformerMetadata(storage, metatype);
      plainClasses.set(metatype, known);
    }
    return known;
  };

  function plainToInstance(
    metatype: ClassConstructor<unknown>,
    value: unknown,
    options?: ClassTransformOptions,
  ): unknown {
    if (
      typeof metatype === 'function' &&
      isPlainObject(value) &&
      withoutConversion(options) &&
      isPlainClass(metatype)
    ) {
      const instance = new metatype() as Record<string, unknown>;
      const keys = Object.keys(value);
      const settable = (key: string) =>
        !(key in instance) || (Object.hasOwn(instance, key) && typeof instance[key] !== 'function');
      if (keys.every(settable)) {
        for (const key of keys) instance[key] = value[key];
        return instance;
      }
    }
    return classTransformer.plainToInstance(metatype, value, options);
  }

  return {
    plainToInstance: plainToInstance as typeof classTransformer.plainToInstance,
    classToPlain: classTransformer.classToPlain,
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/** Only `enableImplicitConversion: false`, or no options at all. */
const withoutConversion = (options: ClassTransformOptions | undefined): boolean =>
  options === undefined ||
  Object.entries(options).every(
    ([name, setting]) => name === 'enableImplicitConversion' && setting === false,
  );

function hasTransformerMetadata(storage: TransformerMetadataStorage, metatype: object): boolean {
  const maps = [
    storage._typeMetadatas,
    storage._transformMetadatas,
    storage._exposeMetadatas,
    storage._excludeMetadatas,
  ];
  for (
    let target: unknown = metatype;
    typeof target === 'function' && target !== Function.prototype;
    target = Object.getPrototypeOf(target)
  ) {
    if (maps.some((map) => map.has(target))) return true;
  }
  return false;
}
