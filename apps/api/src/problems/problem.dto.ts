import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

const TEXT_MAX = 100_000;

export class RecordProblemDto {
  @ApiProperty({ maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title!: string;

  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  description!: string;
}

export class LinkIncidentDto {
  @ApiProperty({ description: 'The incident (id) this problem underlies' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'incidentId must be an incident id' })
  incidentId!: string;
}

export class RootCauseDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  rootCause!: string;
}

export class ProblemWorkaroundDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  workaround!: string;
}

export class ProblemResolutionDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  resolution!: string;
}
