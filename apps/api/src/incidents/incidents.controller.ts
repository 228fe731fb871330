import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  VENDOR_ROLES,
  incidentView,
  type CommandMeta,
  type IncidentCommand,
  type IncidentState,
  type OpenedIncidentState,
} from '@engine/domain';
import type { CommandResult } from '@engine/event-store';
import { Roles } from '@engine/platform';
import { IncidentCommandMessage } from '../commands/stream-command';
import {
  HttpCommand,
  commandContext,
  withVersion,
  type HttpCommandContext,
} from '../http/command-context';
import {
  ClassifyDto,
  ClosureDto,
  CustomerReplyDto,
  StatusReportRequestDto,
  EscalationDto,
  InformationRequestDto,
  OpenIncidentDto,
  ReopenDto,
  ResolutionDto,
  ResponseDto,
  SeverityDto,
  StatusReportDto,
  StatusReportScheduleDto,
  WorkaroundDto,
} from './incident.dto';
import { OpenIncidentMessage } from './open-incident.handler';
import { StreamIdPipe } from '../http/stream-id.pipe';

/**
 * Incident commands. Thin: validate (DTOs), build the domain command, dispatch; the decider judges.
 * Each answers with the incident's new state read from its stream, its version and ETag.
 */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('customer-lead')
  @ApiOperation({ summary: 'Open an incident or service request (a trained technical lead)' })
  async open(
    @Body() body: OpenIncidentDto,
    @HttpCommand() { actor, request, response }: HttpCommandContext,
  ) {
    const { meta, options } = commandContext(request, actor);
    const incidentId = randomUUID();
    const result: CommandResult<IncidentState> = await this.commands.execute(
      new OpenIncidentMessage(
        {
          incidentId,
          customerId: actor.org ?? '',
          kind: body.kind ?? 'incident',
          severity: body.severity ?? null,
          category: body.category,
          title: body.title,
          description: body.description,
          channel: 'web',
          relatedIncidentId: body.relatedIncidentId ?? null,
        },
        meta,
        options,
      ),
    );
    response.status(201).setHeader('Location', `/incidents/${incidentId}`);
    return this.represent(response, result);
  }

  @Post(':id/responses')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  @ApiOperation({ summary: 'First response, or a public comment afterwards' })
  respond(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: ResponseDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'Respond',
      data: { message: body.message },
      meta,
    }));
  }

  @Post(':id/workaround')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  workaround(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: WorkaroundDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'ProvideWorkaround',
      data: { workaround: body.workaround },
      meta,
    }));
  }

  @Post(':id/information-requests')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  @ApiOperation({
    summary: 'Ask for information, reproduction or remote access: the customer side',
  })
  requestInformation(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: InformationRequestDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'RequestInformation',
      data: { message: body.message, kind: body.kind },
      meta,
    }));
  }

  @Post(':id/customer-replies')
  @HttpCode(200)
  @Roles('customer-lead')
  reply(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: CustomerReplyDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'ReplyAsCustomer',
      data: { message: body.message },
      meta,
    }));
  }

  @Post(':id/severity')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  changeSeverity(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: SeverityDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'ChangeSeverity',
      data: { severity: body.severity, reason: body.reason },
      meta,
    }));
  }

  @Post(':id/status-reports')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  postStatusReport(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: StatusReportDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'PostStatusReport',
      data: { summary: body.summary },
      meta,
    }));
  }

  @Post(':id/status-report-requests')
  @HttpCode(200)
  @Roles('customer-lead')
  @ApiOperation({ summary: 'Ask for a status report (severity 4)' })
  requestStatusReport(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: StatusReportRequestDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'RequestStatusReport',
      data: { message: body.message ?? '' },
      meta,
    }));
  }

  @Post(':id/status-report-schedule')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  @ApiOperation({ summary: 'Agree the severity 1 status-report cadence' })
  agreeSchedule(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: StatusReportScheduleDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'AgreeStatusReportSchedule',
      data: { every: body.every },
      meta,
    }));
  }

  @Post(':id/escalations')
  @HttpCode(200)
  @Roles('customer-lead')
  escalate(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: EscalationDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'Escalate',
      data: { reason: body.reason, message: body.message },
      meta,
    }));
  }

  @Post(':id/resolution')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES)
  resolve(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: ResolutionDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'Resolve',
      data: { resolution: body.resolution, workaround: body.workaround ?? null },
      meta,
    }));
  }

  @Post(':id/closure')
  @HttpCode(200)
  @Roles(...VENDOR_ROLES, 'customer-lead')
  @ApiOperation({ summary: 'Vendor: out-of-scope or duplicate; lead: withdrawn' })
  close(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: ClosureDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'CloseIncident',
      data: {
        reason: body.reason,
        code: body.code ?? null,
        reference: body.reference ?? null,
        message: body.message ?? '',
      },
      meta,
    }));
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Roles('customer-lead')
  reopen(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: ReopenDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'Reopen',
      data: { message: body.message ?? '' },
      meta,
    }));
  }

  @Patch(':id')
  @Roles(...VENDOR_ROLES)
  @ApiOperation({ summary: 'Classify (set the category), e.g. of an unclassified email incident' })
  classify(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: ClassifyDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({
      type: 'Classify',
      data: { category: body.category },
      meta,
    }));
  }

  private async run(
    id: string,
    { actor, request, response }: HttpCommandContext,
    build: (meta: CommandMeta) => IncidentCommand,
  ) {
    const { meta, options } = commandContext(request, actor);
    const result: CommandResult<IncidentState> = await this.commands.execute(
      new IncidentCommandMessage(id, build(meta), options),
    );
    return this.represent(response, result);
  }

  private represent(response: Response, result: CommandResult<IncidentState>) {
    return withVersion(response, incidentView(result.state as OpenedIncidentState), result.version);
  }
}
