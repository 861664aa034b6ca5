export * from './ack.js';
export * from './errors.js';
export * from './events.js';
export * from './http.js';
export * from './limits.js';
export * from './schemas.js';
export * from './text.js';
export * from './versions.js';
