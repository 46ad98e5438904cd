import type { ComponentType } from 'react';
import type { IconName } from '../components/Icon';
import { ConnectionsWorkspace } from './connections';
import { MappingsWorkspace } from './mappings';
import { QueryWorkspace } from './query';
import { SchemaWorkspace } from './schema';
import { SyncWorkspace } from './sync';
import { TriggerLogWorkspace } from './trigger-log';

export interface WorkspaceEntry {
  id: IconName & string;
  label: string;
  Component: ComponentType;
}

/** The sidebar, in order; Ctrl/Cmd+1…6 jumps to each. */
export const workspaces: WorkspaceEntry[] = [
  { id: 'connections', label: 'Connections', Component: ConnectionsWorkspace },
  { id: 'schema', label: 'Schema', Component: SchemaWorkspace },
  { id: 'query', label: 'Query', Component: QueryWorkspace },
  { id: 'mappings', label: 'Mappings', Component: MappingsWorkspace },
  { id: 'sync', label: 'Sync', Component: SyncWorkspace },
  { id: 'trigger-log', label: 'Trigger Log', Component: TriggerLogWorkspace },
];
