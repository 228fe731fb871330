import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PLANS, type IncidentStatus, type Plan, type Side } from '@engine/domain';
import { INCIDENT_SORTS, MAX_PAGE_SIZE, type IncidentSort } from '@engine/read-models';

const STATUSES: readonly IncidentStatus[] = ['new', 'in-progress', 'awaiting-customer', 'closed'];
const SIDES: readonly Side[] = ['vendor', 'customer'];
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** A queue horizon: days, hours, minutes, seconds (`PT4H`, `P1D`, `PT90M`). */
export const HORIZON = /^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** `?breached=true|false`: query values are text, and only these two mean a boolean. */
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** Cursor paging, shared by every list. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: "The previous page's nextCursor (opaque)." })
  @IsOptional()
  @IsString()
  @MaxLength(1_000)
  cursor?: string;
}

/** The filters the queues share with the incident list (the dashboard's filters). */
export class QueueFilterQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SIDES })
  @IsOptional()
  @IsIn(SIDES)
  side?: Side;

  @ApiPropertyOptional({ minimum: 1, maximum: 4 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4)
  severity?: 1 | 2 | 3 | 4;

  @ApiPropertyOptional({ enum: PLANS })
  @IsOptional()
  @IsIn(PLANS)
  plan?: Plan;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'customerId must be a customer id' })
  customerId?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3)
  escalationLevel?: number;
}

export class IncidentListQuery extends QueueFilterQuery {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  breached?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ enum: INCIDENT_SORTS, default: 'receivedAt' })
  @IsOptional()
  @IsIn(INCIDENT_SORTS)
  sort?: IncidentSort;
}

export class EscalationQueueQuery extends QueueFilterQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 3, description: 'Only this escalation level.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3)
  level?: number;
}

export class AtRiskQueueQuery extends QueueFilterQuery {
  @ApiPropertyOptional({ default: 'PT4H', description: 'ISO 8601 duration: PT4H, PT30M, P1D.' })
  @IsOptional()
  @Matches(HORIZON, { message: 'within must be an ISO 8601 duration such as PT4H' })
  within?: string;
}

export class SlaReportQuery {
  @ApiProperty({ description: 'RFC 3339 instant; the period includes it.' })
  @IsISO8601({ strict: true }, { message: 'from must be an RFC 3339 instant' })
  from!: string;

  @ApiProperty({ description: 'RFC 3339 instant; the period ends before it.' })
  @IsISO8601({ strict: true }, { message: 'to must be an RFC 3339 instant' })
  to!: string;
}
