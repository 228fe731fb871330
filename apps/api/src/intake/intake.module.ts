import { Module } from '@nestjs/common';
import { IntakeCoreModule } from './intake-core.module';
import { IntakeController } from './intake.controller';

/** The API's side of the email channel: `POST /intake/email` and `GET /intake/log`. */
@Module({ imports: [IntakeCoreModule], controllers: [IntakeController] })
export class IntakeModule {}
