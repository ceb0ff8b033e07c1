export * from './errors.js';
export * from './types.js';
export * from './rest.js';
export * from './informer.js';
export * from './workqueue.js';
export * from './controller.js';
export * from './resources.js';
