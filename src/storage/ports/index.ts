export * from './json.js';
export * from './task.repository.js';
export * from './execution.repository.js';
export * from './settings.repository.js';
export * from './proxy.repository.js';
export * from './credential.repository.js';
export * from './storage-status.js';
