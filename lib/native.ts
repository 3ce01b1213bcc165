/** dist/native.js for the scripts and benches that load it: the loader lives in lib/backend/native.ts. */
export * from './backend/native';
