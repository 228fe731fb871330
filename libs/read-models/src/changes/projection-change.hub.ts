import type { ProjectionChange } from '../projection/projection.model';

export type ChangeListener = (changes: readonly ProjectionChange[]) => void;

/**
 * The in-process fan-out of projected changes: the incidents runner publishes after each
 * committed batch, every open `/stream` connection listens. When the API runs without the worker,
 * a ChangeTail publishes instead (it tails the projection's checkpoint).
 */
export class ProjectionChangeHub {
  private readonly listeners = new Set<ChangeListener>();
  private localPublishers = 0;

  publish(changes: readonly ProjectionChange[]): void {
    if (changes.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(changes);
      } catch {
        // One broken connection must not stop the others.
      }
    }
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A runner in this process publishes; returns its deregistration. */
  attachPublisher(): () => void {
    this.localPublishers += 1;
    let attached = true;
    return () => {
      if (attached) this.localPublishers -= 1;
      attached = false;
    };
  }

  hasLocalPublisher(): boolean {
    return this.localPublishers > 0;
  }
}

const hubs = new WeakMap<object, ProjectionChangeHub>();

/**
 * The hub of one read store in this process (keyed by its SqlDatabase handle), so that the worker's
 * runner and the API's stream meet when both run in one process, without a shared Nest module.
 */
export function changeHubFor(database: object): ProjectionChangeHub {
  let hub = hubs.get(database);
  if (!hub) {
    hub = new ProjectionChangeHub();
    hubs.set(database, hub);
  }
  return hub;
}
