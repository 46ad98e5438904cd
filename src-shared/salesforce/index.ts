export * from './describe';
export * from './describe-wire';
