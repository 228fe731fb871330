import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  NotFoundError,
  VENDOR_ROLES,
  customerView,
  type Actor,
  type CommandMeta,
  type CustomerCommand,
  type CustomerState,
  type PolicyRegistry,
} from '@engine/domain';
import type { CommandResult } from '@engine/event-store';
import { CurrentActor, CustomerReader, POLICY_REGISTRY, Roles } from '@engine/platform';
import { Inject } from '@nestjs/common';
import { CustomerCommandMessage } from '../commands/stream-command';
import {
  HttpCommand,
  commandContext,
  withVersion,
  type HttpCommandContext,
} from '../http/command-context';
import { StreamIdPipe } from '../http/stream-id.pipe';
import { ChangeCustomerDto, NominateLeadDto, RegisterCustomerDto } from './customer.dto';

const notFound = () => new NotFoundError('No such customer.', 'customer-not-found');

/** Customers and their technical leads: the program administrator's. */
@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly customers: CustomerReader,
    @Inject(POLICY_REGISTRY) private readonly policies: PolicyRegistry,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Register a customer with its plan and licensed hosts' })
  async register(@Body() body: RegisterCustomerDto, @HttpCommand() ctx: HttpCommandContext) {
    const customerId = body.id ?? randomUUID();
    const view = await this.run(customerId, ctx, (meta) => ({
      type: 'RegisterCustomer',
      data: {
        customerId,
        name: body.name,
        plan: body.plan,
        hosts: body.hosts,
        timeZone: body.timeZone ?? this.policies.current.calendar.timeZone,
        holidays: body.holidays ?? [],
      },
      meta,
    }));
    ctx.response.status(201).setHeader('Location', `/customers/${customerId}`);
    return view;
  }

  @Get(':id')
  @Roles('admin', 'ops', ...VENDOR_ROLES, 'customer-lead')
  @ApiOperation({ summary: 'A customer with plan, hosts, lead quota and leads' })
  async get(
    @Param('id', StreamIdPipe) id: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (actor.role === 'customer-lead' && actor.org !== id) throw notFound();
    const { state, version } = await this.customers.read(id);
    const view = customerView(state, this.policies.current);
    if (!view) throw notFound();
    return withVersion(response, view, version);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change plan, hosts or calendar (applies to incidents opened afterwards)',
  })
  change(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: ChangeCustomerDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({ type: 'ChangeCustomer', data: { ...body }, meta }));
  }

  @Post(':id/leads')
  @Roles('admin')
  @ApiOperation({ summary: 'Nominate a technical lead (2 per 1000 hosts, at most 10)' })
  async nominate(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: NominateLeadDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    const view = await this.run(id, ctx, (meta) => ({
      type: 'NominateLead',
      data: { ...body },
      meta,
    }));
    ctx.response.status(201);
    return view;
  }

  @Post(':id/leads/:userId/training')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: "Record a lead's completed training (a lead submits only once trained)",
  })
  train(
    @Param('id', StreamIdPipe) id: string,
    @Param('userId', StreamIdPipe) userId: string,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({ type: 'RecordLeadTraining', data: { userId }, meta }));
  }

  @Delete(':id/leads/:userId')
  @Roles('admin')
  remove(
    @Param('id', StreamIdPipe) id: string,
    @Param('userId', StreamIdPipe) userId: string,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    return this.run(id, ctx, (meta) => ({ type: 'RemoveLead', data: { userId }, meta }));
  }

  private async run(
    id: string,
    { actor, request, response }: HttpCommandContext,
    build: (meta: CommandMeta) => CustomerCommand,
  ) {
    const { meta, options } = commandContext(request, actor);
    const result: CommandResult<CustomerState> = await this.commands.execute(
      new CustomerCommandMessage(id, build(meta), options),
    );
    const view = customerView(result.state, this.policies.current);
    if (!view) throw notFound();
    return withVersion(response, view, result.version);
  }
}
