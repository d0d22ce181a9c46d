export * from './client.js';
export * from './errors.js';
export * from './operations.js';
export * from './rate-limit.js';
export * from './redact.js';
export * from './schemas.js';
