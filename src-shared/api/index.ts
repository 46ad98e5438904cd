export * from './contract';
export * from './models';
export * from './events';
export * from './errors';
export * from './client';
export * from './validate';
