export { ConnectionsWorkspace } from './ConnectionsWorkspace';
