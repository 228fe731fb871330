import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  NotFoundError,
  VENDOR_ROLES,
  fold,
  problemDecider,
  problemStreamId,
  problemView,
  type CommandMeta,
  type ProblemCommand,
  type ProblemEvent,
  type ProblemState,
} from '@engine/domain';
import type { CommandResult, EventStore } from '@engine/event-store';
import { EVENT_STORE, Roles } from '@engine/platform';
import { ProblemCommandMessage } from '../commands/stream-command';
import {
  HttpCommand,
  commandContext,
  withVersion,
  type HttpCommandContext,
} from '../http/command-context';
import { StreamIdPipe } from '../http/stream-id.pipe';
import { IncidentReader } from '../incidents/incident-reader';
import {
  LinkIncidentDto,
  ProblemResolutionDto,
  ProblemWorkaroundDto,
  RecordProblemDto,
  RootCauseDto,
} from './problem.dto';

const notFound = () => new NotFoundError('No such problem.', 'problem-not-found');

/** Problems: the underlying causes of incidents; a known error once root cause and workaround exist. */
@ApiTags('problems')
@ApiBearerAuth()
@Controller('problems')
export class ProblemsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly incidents: IncidentReader,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @Roles(...VENDOR_ROLES)
  async record(@Body() body: RecordProblemDto, @HttpCommand() ctx: HttpCommandContext) {
    const problemId = randomUUID();
    const view = await this.run(problemId, ctx, (meta) => ({
      type: 'RecordProblem',
      data: { problemId, title: body.title, description: body.description },
      meta,
    }));
    ctx.response.status(201).setHeader('Location', `/problems/${problemId}`);
    return view;
  }

  @Post(':id/incidents')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  @ApiOperation({
    summary: 'Link an incident; the incident then shows the problem (and its workaround)',
  })
  async link(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: LinkIncidentDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    const { state: incident } = await this.incidents.read(body.incidentId, ctx.actor);
    return this.run(id, ctx, (meta) => ({
      type: 'LinkIncident',
      data: {
        incidentId: incident.incidentId,
        incidentNumber: incident.number,
        customerId: incident.customerId,
      },
      meta,
    }));
  }

  @Post(':id/root-cause')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  rootCause(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: RootCauseDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'IdentifyRootCause',
      data: { rootCause: body.rootCause },
      meta,
    }));
  }

  @Post(':id/workaround')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  workaround(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: ProblemWorkaroundDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'IdentifyWorkaround',
      data: { workaround: body.workaround },
      meta,
    }));
  }

  @Post(':id/resolution')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  resolve(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: ProblemResolutionDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'ResolveProblem',
      data: { resolution: body.resolution },
      meta,
    }));
  }

  @Get(':id')
  @Roles(...VENDOR_ROLES, 'ops')
  async get(@Param('id', StreamIdPipe) id: string, @Res({ passthrough: true }) response: Response) {
    const events = await this.store.readStream(problemStreamId(id));
    const state = fold(
      problemDecider,
      events.map((e) => ({ type: e.type, data: e.data }) as ProblemEvent),
    );
    const view = problemView(state);
    if (!view) throw notFound();
    return withVersion(response, view, events.at(-1)?.version ?? 0n);
  }

  private async run(
    id: string,
    { actor, request, response }: HttpCommandContext,
    build: (meta: CommandMeta) => ProblemCommand,
  ) {
    const { meta, options } = commandContext(request, actor);
    const result: CommandResult<ProblemState> = await this.commands.execute(
      new ProblemCommandMessage(id, build(meta), options),
    );
    const view = problemView(result.state);
    if (!view) throw notFound();
    return withVersion(response, view, result.version);
  }
}
