export * from './identity';
export * from './trend';
export * from './alert-rule';
