import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Actor, Role } from '@engine/domain';
import { HttpProblem } from '../errors/http-problem';
import {
  ALLOWS_QUERY_TOKEN,
  IS_PUBLIC,
  REQUIRED_ROLES,
  type AuthenticatedRequest,
} from './auth.decorators';
import { LeadDirectory } from './lead-directory.port';
import { TokenVerifier, unauthorized } from './token-verifier';

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)\s*$/i;

/**
 * The global guard: every route needs a valid bearer token unless it is `@Public()`. It sets
 * `request.actor`, enforces `@Roles(...)` (403 `forbidden`) and, for a customer-lead, asks the
 * LeadDirectory whether `sub` is a nominated lead of `org` (403 `not-a-lead`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');
  private leadDirectory: LeadDirectory | null | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * Synchronous for a token verified within the last minute (not a customer-lead's, whose
   * nomination is looked up every time): Nest then awaits nothing for this guard.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const allowQuery = this.reflector.getAllAndOverride<boolean | undefined>(
      ALLOWS_QUERY_TOKEN,
      targets,
    );
    const token = tokenOf(request, allowQuery === true);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const remembered = this.verifier.rememberedActor(token);
    if (remembered !== undefined && remembered.role !== 'customer-lead') {
      assertRole(remembered, roles);
      request.actor = remembered;
      return true;
    }
    return this.authenticate(request, token, roles);
  }

  private async authenticate(
    request: AuthenticatedRequest,
    token: string,
    roles: Role[] | undefined,
  ): Promise<boolean> {
    const actor = await this.verifier.verify(token);
    assertRole(actor, roles);
    if (actor.role === 'customer-lead') await this.assertNominatedLead(actor);
    request.actor = actor;
    return true;
  }

  private async assertNominatedLead(actor: Actor): Promise<void> {
    const customerId = actor.org ?? '';
    if (await this.leads().isNominatedLead(customerId, actor.id)) return;
    throw new HttpProblem(
      403,
      'not-a-lead',
      `User ${actor.id} is not a nominated technical lead of customer ${customerId}.`,
    );
  }

  /** Whichever module of the app provides LeadDirectory; looked up once, on the first lead. */
  private leads(): LeadDirectory {
    if (this.leadDirectory === undefined) {
      try {
        this.leadDirectory = this.moduleRef.get(LeadDirectory, { strict: false });
      } catch {
        this.leadDirectory = null;
        this.logger.error(
          'No LeadDirectory is provided: customer-lead requests are refused (500).',
        );
      }
    }
    const directory = this.leadDirectory;
    if (!directory)
      throw new Error('No LeadDirectory is provided to authorise customer-lead requests');
    return directory;
  }
}

function assertRole(actor: Actor, roles: Role[] | undefined): void {
  if (roles && !roles.includes(actor.role)) {
    throw new HttpProblem(
      403,
      'forbidden',
      `Role ${actor.role} may not do this; it needs one of: ${roles.join(', ')}.`,
    );
  }
}

function tokenOf(request: AuthenticatedRequest, allowQuery: boolean): string {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    if (!match) throw unauthorized('The Authorization header must be `Bearer <token>`.', true);
    return match[1];
  }
  const query: unknown = allowQuery ? request.query?.access_token : undefined;
  if (typeof query === 'string' && query !== '') return query;
  throw unauthorized('This route needs a bearer token (Authorization: Bearer <token>).', false);
}
