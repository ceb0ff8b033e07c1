export * from './store/store.js';
export { openLevelStore } from './store/leveldb-store.js';
