// SCAFFOLD (replaced by the Connections work of issue 7): the studio's connections service.
import { ConnectionsService, type ConnectionsServiceOptions } from './connections-service';

export interface StudioConnectionsOptions extends ConnectionsServiceOptions {
  log: (line: string) => void;
}

export class StudioConnections extends ConnectionsService {
  constructor(options: StudioConnectionsOptions) {
    super(options);
  }
}
