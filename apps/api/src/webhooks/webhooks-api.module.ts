import { Module, type OnModuleDestroy } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ENGINE_CONFIG, SQL_DATABASE, type EngineConfig, type SqlDatabase } from '@engine/platform';
import { DeliveryLog, DeliveryQueue, WEBHOOK_MIGRATIONS } from '@engine/webhooks';
import { WebhookCommandHandler } from './webhook-command';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookEdge } from './webhook-edge';
import { WebhooksController } from './webhooks.controller';

/** `/webhooks`: subscriptions, their delivery log and replays (admin). */
@Module({
  imports: [CqrsModule],
  controllers: [WebhooksController, WebhookDeliveriesController],
  providers: [
    WebhookCommandHandler,
    WebhookEdge,
    {
      provide: DeliveryLog,
      inject: [SQL_DATABASE],
      useFactory: async (database: SqlDatabase) => {
        await database.migrate(WEBHOOK_MIGRATIONS);
        return new DeliveryLog(database);
      },
    },
    {
      // Replays enqueue here; the worker's delivery workers consume.
      provide: DeliveryQueue,
      inject: [ENGINE_CONFIG],
      useFactory: (config: EngineConfig) =>
        new DeliveryQueue({
          redisUrl: config.redisUrl,
          redisCluster: config.redisCluster,
          prefix: config.webhookQueuePrefix,
          scheduleMs: config.webhookRetryScheduleMs,
        }),
    },
  ],
})
export class WebhooksApiModule implements OnModuleDestroy {
  constructor(private readonly queue: DeliveryQueue) {}

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }
}
