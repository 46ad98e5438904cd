export { TriggerLogWorkspace } from './TriggerLogWorkspace';
