export * from './reference.js';
export * from './image-store.js';
export * from './puller.js';
