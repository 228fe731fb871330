import { Module } from '@nestjs/common';
import { QueueBoard } from './queue-board';

/** Bull Board at /admin/queues, mounted by createEngineApp before Nest's own routes. */
@Module({ providers: [QueueBoard], exports: [QueueBoard] })
export class AdminQueuesModule {}
