// What this workspace uses of undici, re-exported by name from an ES module: loadUndici() imports
// this file, not 'undici' itself, so that a bundler turning undici (CommonJS) into a lazy chunk
// still hands out named exports (cli/bundle.mjs).
export { Agent, request } from 'undici';
