import type { EventOfType, EventType, RunwatchEvent } from '../../../shared/events.ts';

type Listener<E> = (event: E) => void;

/**
 * Typed publish/subscribe for committed events: handlers, the alert engine and the UI subscribe.
 * Events are published only after the state.db transaction that recorded them has committed.
 * A listener that throws is reported and does not stop the others.
 */
export class EventBus {
  private readonly byType = new Map<EventType, Set<Listener<RunwatchEvent>>>();
  private readonly any = new Set<Listener<RunwatchEvent>>();
  private readonly onListenerError: (error: unknown, event: RunwatchEvent) => void;

  constructor(onListenerError: (error: unknown, event: RunwatchEvent) => void) {
    this.onListenerError = onListenerError;
  }

  on<T extends EventType>(type: T, listener: Listener<EventOfType<T>>): () => void {
    let set = this.byType.get(type);
    if (!set) {
      set = new Set();
      this.byType.set(type, set);
    }
    const entry = listener as Listener<RunwatchEvent>;
    set.add(entry);
    return () => set.delete(entry);
  }

  onAny(listener: Listener<RunwatchEvent>): () => void {
    this.any.add(listener);
    return () => this.any.delete(listener);
  }

  publish(events: readonly RunwatchEvent[]): void {
    for (const event of events) {
      for (const listener of [...(this.byType.get(event.type) ?? []), ...this.any]) {
        try {
          listener(event);
        } catch (error) {
          this.onListenerError(error, event);
        }
      }
    }
  }
}
