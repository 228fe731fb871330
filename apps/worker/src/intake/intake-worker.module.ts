import { Module } from '@nestjs/common';
import { IntakeCoreModule } from '../../../api/src/intake/intake-core.module';
import { IntakeMailRunner } from './intake-mail.runner';
import { SmtpIntakeListener } from './smtp-intake.listener';

/** The worker's side of the email channel: the SMTP listener, the feed follower, the mailer. */
@Module({ imports: [IntakeCoreModule], providers: [IntakeMailRunner, SmtpIntakeListener] })
export class IntakeWorkerModule {}
