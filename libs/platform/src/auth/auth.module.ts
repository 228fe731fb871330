import { Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../platform.module';
import { AuthGuard } from './auth.guard';
import { TokenVerifier } from './token-verifier';

/**
 * Bearer-token authentication for every route of the app (a global guard). Expects the global
 * PlatformModule (ENGINE_CONFIG) and a LeadDirectory provided by some module of the app.
 */
@Module({
  providers: [
    {
      provide: TokenVerifier,
      inject: [ENGINE_CONFIG],
      useFactory: (config: EngineConfig): TokenVerifier => {
        const verifier = TokenVerifier.fromConfig(config);
        if (verifier.source === 'development-secret') {
          new Logger('Auth').warn(
            'Bearer tokens are verified with the public development secret (AUTH_JWT_SECRET and ' +
              'AUTH_JWKS_URL are unset): anyone can mint a token. Set one of them before exposing the engine.',
          );
        }
        return verifier;
      },
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}
