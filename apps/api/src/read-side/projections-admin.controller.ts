import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@engine/platform';
import { ProjectionRebuilds } from './projection-rebuilds.service';

@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(private readonly rebuilds: ProjectionRebuilds) {}

  @Get()
  @ApiOperation({
    summary: 'Each projection and reactor: checkpoint, state (ok / halted), rebuilds',
  })
  list() {
    return this.rebuilds.statuses();
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Replays the feed into fresh tables and swaps them in atomically (readers keep the old ' +
      'ones meanwhile); 202 once started, 409 while another rebuild of it runs',
  })
  rebuild(@Param('name') name: string) {
    return this.rebuilds.start(name);
  }
}
