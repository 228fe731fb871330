import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** The operations dashboard's page and static files (public; its data needs a token). */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
