/** Every argument check, in one voice (values.ts's expected()). */
export * from './values';
export * from './params';
export * from './shape';
export * from './signal';
