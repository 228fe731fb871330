import { Module } from '@nestjs/common';
import { EventSourcingModule, SqlDatabaseModule } from '@engine/platform';
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * Webhook dispatch and delivery. It imports the event store and the read store itself, so it runs
 * in the worker program as well as inside the API (Nest keeps one instance of each module).
 */
@Module({
  imports: [EventSourcingModule, SqlDatabaseModule],
  providers: [WebhookDeliveryService],
  exports: [WebhookDeliveryService],
})
export class WebhooksWorkerModule {}
