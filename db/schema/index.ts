export * from './areas';
export * from './responders';
export * from './cases';
export * from './alerts';
export * from './feed';
