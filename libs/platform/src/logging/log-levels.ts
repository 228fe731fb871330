import type { LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '../config/engine-config';

const NEST_LEVELS: Readonly<Record<LogLevel, readonly NestLogLevel[]>> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** The Nest logger levels that LOG_LEVEL lets through. */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  return [...NEST_LEVELS[level]];
}
