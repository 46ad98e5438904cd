export { startWebHost, contentSecurityPolicy } from './web';
export type { WebHost, WebHostOptions } from './web';
