import { Injectable, NotFoundException, type PipeTransform } from '@nestjs/common';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Aggregate ids in paths: a malformed one cannot name anything, so it is simply not found. */
@Injectable()
export class StreamIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ID.test(value))
      throw new NotFoundException({ code: 'not-found', detail: 'No such resource.' });
    return value;
  }
}
