import type { Logger } from 'pino';
import { loadEngineConfig, type EngineConfig } from '../config/engine-config';
import { loadPolicyFile, type LoadedPolicy } from '../policy/policy-source';

/** What every program of the engine needs before Nest starts: its configuration and policy. */
export interface EngineStartup {
  readonly config: EngineConfig;
  readonly policy: LoadedPolicy;
  /** Where the program logs; default JSON lines on standard output at LOG_LEVEL. */
  readonly logger?: Logger;
}

/** Reads the configuration, then the support policy it points to; throws ConfigError on a mistake. */
export function loadEngineStartup(env: NodeJS.ProcessEnv = process.env): EngineStartup {
  const config = loadEngineConfig(env);
  return { config, policy: loadPolicyFile(config.supportPolicyPath) };
}
