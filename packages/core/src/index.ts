import 'reflect-metadata';

export * from './errors';
export * from './tensor';
export * from './io';
export * from './engine';
export * from './progress';
export * from './tokens';
export * from './factories';
export * from './container';
export * from './random';
