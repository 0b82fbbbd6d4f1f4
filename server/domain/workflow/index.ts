/** The case lifecycle as pure code: see transitions.ts for the one table. */
export * from './statuses';
export * from './state';
export * from './commands';
export * from './actors';
export * from './transitions';
export * from './decide';
export * from './invariants';
