import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  UnauthorizedException,
  createParamDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor, CommandMeta } from '@engine/domain';
import { correlationIdOf } from '@engine/platform';
import type { StreamCommandOptions } from '../commands/stream-command';

const IF_MATCH = /^\s*(?:W\/)?"?(\d{1,18})"?\s*$/;

/** The version a client saw (`If-Match: "3"`), or undefined when it sent none. */
export const expectedVersionOf = (request: Request): bigint | undefined => {
  const header = request.header('if-match');
  if (header === undefined || header.trim() === '*') return undefined;
  const match = IF_MATCH.exec(header);
  if (!match)
    throw new BadRequestException({
      code: 'invalid-if-match',
      detail: 'If-Match must be the representation version, e.g. "3".',
    });
  return BigInt(match[1]);
};

/** Time, actor, command id and correlation of one HTTP command. */
export const commandContext = (
  request: Request,
  actor: Actor,
): { meta: CommandMeta; options: StreamCommandOptions } => {
  return {
    meta: { now: new Date().toISOString(), actor },
    options: {
      commandId: randomUUID(),
      expectedVersion: expectedVersionOf(request),
      // The request's (X-Correlation-Id, echoed in the answer and bound to its log lines).
      correlationId: correlationIdOf(request),
    },
  };
};

/** Sets the ETag of a representation (its stream version) and returns the body with `version`. */
export const withVersion = <T extends object>(
  response: Response,
  view: T,
  version: bigint,
): T & { version: number } => {
  response.setHeader('ETag', `"${version}"`);
  return { ...view, version: Number(version) };
};

/** The caller, the request and the response of one command endpoint. */
export interface HttpCommandContext {
  readonly actor: Actor;
  readonly request: Request;
  readonly response: Response;
}

/** `@HttpCommand() ctx`: the authenticated actor with the request and response (for ETag). */
export const HttpCommand = createParamDecorator(
  (_: unknown, context: ExecutionContext): HttpCommandContext => {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { actor?: Actor }>();
    if (!request.actor) throw new UnauthorizedException();
    return { actor: request.actor, request, response: http.getResponse<Response>() };
  },
);
