import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { WEBHOOK_TYPE_PATTERNS } from '@engine/domain';
import { isValidSigningSecret } from '@engine/webhooks';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const IsHttpUrl = () =>
  ValidateBy({
    name: 'isHttpUrl',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          return ['http:', 'https:'].includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'url must be an absolute http or https URL',
    },
  });

const IsSigningSecret = () =>
  ValidateBy({
    name: 'isSigningSecret',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidSigningSecret(value),
      defaultMessage: () => 'secret must be whsec_ followed by the base64 of 24 to 64 bytes',
    },
  });

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/incidents', maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  @IsHttpUrl()
  url!: string;

  @ApiProperty({
    description: '`incident.*` for every incident event, or event types by name',
    example: ['incident.*'],
    isArray: true,
    enum: WEBHOOK_TYPE_PATTERNS,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_TYPE_PATTERNS.length)
  @IsIn(WEBHOOK_TYPE_PATTERNS, { each: true })
  types!: string[];

  @ApiPropertyOptional({ description: "Only this customer's incidents" })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: 'customerId must be a customer id' })
  customerId?: string;

  @ApiPropertyOptional({
    description: 'Your own signing secret (`whsec_` + base64 of 24-64 bytes); default: generated',
  })
  @IsOptional()
  @IsSigningSecret()
  secret?: string;
}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'The new signing secret; default: generated' })
  @IsOptional()
  @IsSigningSecret()
  secret?: string;
}

export class ReplayDto {
  @ApiProperty({
    description:
      'A feed position (digits): the events after it; or an RFC 3339 time: the events that occurred then or later',
    example: '1042',
  })
  @IsString()
  @MaxLength(64)
  from!: string;
}

export class PageQuery {
  @ApiPropertyOptional({ description: '1 to 200, default 50' })
  @IsOptional()
  @Matches(/^(?:[1-9]|[1-9]\d|1\d\d|200)$/, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
