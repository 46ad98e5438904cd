export * from './contract';
export * from './models';
export * from './models-explore';
export * from './models-sync';
export * from './events';
export * from './errors';
export * from './client';
export * from './validate';
