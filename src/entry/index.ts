// `calbridge`: the whole service for embedding — configuration, the composition root and the stable error codes.
// Everything a host needs to run calbridge inside its own process; see docs/library.md for the entry points.
export { createRuntime, type Runtime, type RuntimeOverrides } from '../main/runtime.js';
export { loadConfig, ConfigError, ENV_VARS, type Config, type LogLevel } from '../config/config.js';
export { openDatabase, type Database } from '../stores/database.js';
export { migrateToLatest } from '../stores/migrate.js';
export { AppError, ERROR_CODES, isAppError, type ErrorCode, type ErrorKind } from '../domain/errors.js';
export type { Clock } from '../ports/clock.js';
