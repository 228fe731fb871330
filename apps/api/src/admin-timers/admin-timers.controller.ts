import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@engine/platform';
import type { ReconcileCounts } from '@engine/timers';
import { TimerReconcileService } from '../../../worker/src/timers/timer-reconcile.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/timers')
export class AdminTimersController {
  constructor(private readonly reconciler: TimerReconcileService) {}

  @Post('reconcile')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      "Re-derive every open incident's pending timers and schedule the ones Redis lacks (after losing Redis)",
  })
  reconcile(): Promise<ReconcileCounts> {
    return this.reconciler.reconcile();
  }
}
