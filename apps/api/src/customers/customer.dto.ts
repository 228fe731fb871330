import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PLANS, type Plan } from '@engine/domain';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ID_MESSAGE = 'must be 1-100 letters, digits, dots, dashes or underscores';
const MAX_HOSTS = 10_000_000;

export class RegisterCustomerDto {
  @ApiPropertyOptional({ example: 'acme', description: 'Chosen by the caller, or generated.' })
  @IsOptional()
  @IsString()
  @Matches(ID, { message: `id ${ID_MESSAGE}` })
  id?: string;

  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: PLANS })
  @IsIn(PLANS)
  plan!: Plan;

  @ApiProperty({ minimum: 1, example: 1200, description: 'Licensed host count' })
  @IsInt()
  @Min(1)
  @Max(MAX_HOSTS)
  hosts!: number;

  @ApiPropertyOptional({
    example: 'Europe/Berlin',
    description: "IANA zone; default the policy calendar's",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ example: ['2026-12-24'], description: "Added to the policy's holidays" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(366)
  @IsISO8601({ strict: true }, { each: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'holidays must be dates like 2026-12-24' })
  holidays?: string[];
}

export class ChangeCustomerDto {
  @ApiPropertyOptional({ enum: PLANS })
  @IsOptional()
  @IsIn(PLANS)
  plan?: Plan;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_HOSTS)
  hosts?: number;

  @ApiPropertyOptional({ example: 'America/New_York' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ example: ['2026-07-03'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(366)
  @IsISO8601({ strict: true }, { each: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'holidays must be dates like 2026-12-24' })
  holidays?: string[];
}

export class NominateLeadDto {
  @ApiProperty({ example: 'lead-1', description: "The lead's user id (the token's `sub`)" })
  @IsString()
  @Matches(ID, { message: `userId ${ID_MESSAGE}` })
  userId!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'ada@acme.example' })
  @IsEmail()
  @MaxLength(254)
  email!: string;
}
