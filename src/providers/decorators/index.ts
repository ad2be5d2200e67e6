// Cross-cutting behaviour as wrappers: transport decorators (retry, limits) and provider decorators (error observer).
export * from './http.js';
export * from './retry.js';
export * from './limits.js';
export * from './observe.js';
