import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthController {
  /** The process is up and serving HTTP; says nothing about its dependencies (that is `ready`). */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
