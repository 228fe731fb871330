import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  CLOSURE_CODES,
  CLOSURE_REASONS,
  ESCALATION_REASONS,
  INCIDENT_KINDS,
  INFORMATION_REQUEST_KINDS,
  type ClosureCode,
  type ClosureReason,
  type EscalationReason,
  type IncidentKind,
  type InformationRequestKind,
  type Severity,
} from '@engine/domain';

/** Limits that keep a single message reasonable; the body limit caps the whole request. */
const TITLE_MAX = 300;
const TEXT_MAX = 100_000;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ISO_DURATION = /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

class Message {
  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  message!: string;
}

export class OpenIncidentDto {
  @ApiPropertyOptional({ enum: INCIDENT_KINDS, default: 'incident' })
  @IsOptional()
  @IsIn(INCIDENT_KINDS)
  kind?: IncidentKind;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 4,
    description: 'Required for an incident; a service request defaults to 4.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4)
  severity?: Severity;

  @ApiProperty({ example: 'nginx', description: "A category the customer's plan covers." })
  @IsString()
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'category must be a kebab-case category name' })
  @MaxLength(100)
  category!: string;

  @ApiProperty({ maxLength: TITLE_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX)
  title!: string;

  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  description!: string;

  @ApiPropertyOptional({ description: 'An earlier incident this one follows up (id).' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN)
  relatedIncidentId?: string;
}

export class ResponseDto extends Message {}
export class CustomerReplyDto extends Message {}
export class ReopenDto {
  @ApiPropertyOptional({ maxLength: TEXT_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  message?: string;
}

export class InformationRequestDto extends Message {
  @ApiProperty({ enum: INFORMATION_REQUEST_KINDS })
  @IsIn(INFORMATION_REQUEST_KINDS)
  kind!: InformationRequestKind;
}

export class WorkaroundDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  workaround!: string;
}

export class SeverityDto {
  @ApiProperty({ minimum: 1, maximum: 4 })
  @IsInt()
  @Min(1)
  @Max(4)
  severity!: Severity;

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

export class StatusReportDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  summary!: string;
}

export class StatusReportScheduleDto {
  @ApiProperty({
    example: 'P2D',
    description: 'ISO 8601 duration, at least the policy minimum (P1D).',
  })
  @IsString()
  @Matches(ISO_DURATION, { message: 'every must be an ISO 8601 duration such as P1D or P2D' })
  every!: string;
}

export class EscalationDto extends Message {
  @ApiProperty({ enum: ESCALATION_REASONS })
  @IsIn(ESCALATION_REASONS)
  reason!: EscalationReason;
}

export class ResolutionDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  resolution!: string;

  @ApiPropertyOptional({ maxLength: TEXT_MAX })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  workaround?: string;
}

export class ClosureDto {
  @ApiProperty({ enum: CLOSURE_REASONS })
  @IsIn(CLOSURE_REASONS)
  reason!: ClosureReason;

  @ApiPropertyOptional({ enum: CLOSURE_CODES, description: 'Required for out-of-scope.' })
  @IsOptional()
  @IsIn(CLOSURE_CODES)
  code?: ClosureCode;

  @ApiPropertyOptional({ description: 'The incident (or known error) the closure points at.' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN)
  reference?: string;

  @ApiPropertyOptional({ maxLength: TEXT_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  message?: string;
}

export class ClassifyDto {
  @ApiProperty({ example: 'kafka' })
  @IsString()
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'category must be a kebab-case category name' })
  @MaxLength(100)
  category!: string;
}

export class StatusReportRequestDto {
  @ApiPropertyOptional({ maxLength: TEXT_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  message?: string;
}
