import type { ApiEventEnvelope, ApiEventName, ApiEventPayload } from '../../src-shared/api';

type Listener = (envelope: ApiEventEnvelope) => void;

/** Fans events out to every host (IPC windows, WebSocket clients). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends ApiEventName>(event: E, payload: ApiEventPayload<E>): void {
    const envelope = { event, payload } as ApiEventEnvelope;
    for (const listener of this.listeners) {
      try {
        listener(envelope);
      } catch {
        // One broken subscriber (a closed socket, a destroyed window) must not stop the others.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
