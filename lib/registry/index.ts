/** The registry: every op declared once (ops.ts), and the lists derived from it. */
export * from './ops';
export * from './shaped-calls';
export * from './native-lists';
