import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { VENDOR_ROLES } from '@engine/domain';
import { Roles } from '@engine/platform';
import { ReadModelQueries } from '@engine/read-models';
import { badParameter } from './read-side.errors';
import { SlaReportQuery } from './read-side.dto';

@ApiTags('reports')
@ApiBearerAuth()
@Roles(...VENDOR_ROLES, 'ops')
@Controller('reports')
export class ReportsController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get('sla')
  @ApiOperation({
    summary:
      'Per plan and severity: the response clocks that ended in [from, to): count, met, ' +
      'breached, achievement %, median and p90 response time; out-of-scope closures apart',
  })
  sla(@Query() { from, to }: SlaReportQuery) {
    const [start, end] = [new Date(from), new Date(to)];
    if (!(start < end)) throw badParameter('to', 'to must be later than from');
    return this.queries.slaReport.report(start, end);
  }
}
