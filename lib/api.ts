/** dist/api.js for the scripts and benches that load it: the API layer lives in lib/api/. */
export * from './api/index';
