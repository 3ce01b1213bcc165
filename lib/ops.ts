/** dist/ops.js for the scripts and benches that load it: the registry lives in lib/registry/. */
export * from './registry';
