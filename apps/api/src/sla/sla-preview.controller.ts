import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  NotFoundError,
  PLANS,
  calendarWithHolidays,
  responseDeadlines,
  type Actor,
  type Plan,
  type PolicyRegistry,
  type Severity,
} from '@engine/domain';
import { CurrentActor, CustomerReader, POLICY_REGISTRY } from '@engine/platform';

export class SlaPreviewQuery {
  @IsIn(PLANS)
  plan!: Plan;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4)
  severity!: Severity;

  @IsISO8601({ strict: true, strictSeparator: true })
  receivedAt!: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)
  customerId?: string;
}

/** The response deadline the current policy gives, computed by the same function the decider uses. */
@ApiTags('sla')
@ApiBearerAuth()
@Controller('sla')
export class SlaPreviewController {
  constructor(
    @Inject(POLICY_REGISTRY) private readonly policies: PolicyRegistry,
    private readonly customers: CustomerReader,
  ) {}

  @Get('preview')
  @ApiOperation({
    summary: "Response deadline for a plan and severity (customer's calendar if given)",
  })
  async preview(@Query() query: SlaPreviewQuery, @CurrentActor() actor: Actor) {
    const policy = this.policies.current;
    let calendar = policy.calendar;
    if (query.customerId) {
      const { state } = await this.customers.read(query.customerId);
      const hidden = actor.role === 'customer-lead' && actor.org !== query.customerId;
      if (state.status !== 'registered' || hidden)
        throw new NotFoundError('No such customer.', 'customer-not-found');
      calendar = calendarWithHolidays({ ...calendar, timeZone: state.timeZone }, state.holidays);
    }
    const receivedAt = new Date(query.receivedAt).toISOString();
    const { responseDueAt, responseAtRiskAt, responseTarget } = responseDeadlines(
      policy,
      calendar,
      query.plan,
      query.severity,
      receivedAt,
    );
    return {
      plan: query.plan,
      severity: query.severity,
      receivedAt,
      target: responseTarget,
      responseDueAt,
      responseAtRiskAt,
      policyVersion: policy.version,
      timeZone: calendar.timeZone,
    };
  }
}
