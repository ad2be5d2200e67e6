// `calbridge/providers/mock`: an in-memory provider for a host's own tests (one world, many mailboxes).
export * from '../providers/mock/index.js';
