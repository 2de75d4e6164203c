export * from './container';
export * from './recipes';
