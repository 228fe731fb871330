import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { SMTPServer } from 'smtp-server';
import { EmailIntake } from '@engine/intake';
import { ENGINE_CONFIG, StartupError, type EngineConfig } from '@engine/platform';
import { createSmtpIntakeServer } from './smtp-intake.server';

/** The SMTP intake listener, on SMTP_HOST:SMTP_PORT when SMTP_PORT is set. */
@Injectable()
export class SmtpIntakeListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SmtpIntake');
  private server: SMTPServer | null = null;

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly intake: EmailIntake,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { smtpPort: port, smtpHost: host, intakeMaxBytes } = this.config;
    if (port === null) return;
    const server = createSmtpIntakeServer(this.intake, {
      maxBytes: intakeMaxBytes,
      logger: this.logger,
    });
    server.on('error', (error) => this.logger.warn(`SMTP intake: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error) =>
        reject(
          new StartupError(
            `Cannot listen for SMTP on ${host}:${port} (${error.message}): check SMTP_PORT and SMTP_HOST.`,
            {
              cause: error,
            },
          ),
        );
      server.server.once('error', failed);
      server.listen(port, host, () => {
        server.server.off('error', failed);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`SMTP intake listening on ${host}:${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
