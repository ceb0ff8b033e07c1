// Terminal-size messages: kubectl sends JSON objects `{"Width":100,"Height":30}`, newline-terminated,
// on the resize channel (WebSocket channel 4) or the `resize` SPDY stream. Messages may arrive split
// or several to a chunk, so this decodes a byte stream.
import { EventEmitter } from 'node:events';

export interface TerminalSize {
  Width: number;
  Height: number;
}

export type ResizeEvents = EventEmitter<{ resize: [TerminalSize] }>;

/**
 * Decodes sizes and emits them on `events`. Sizes that arrive while nobody listens yet (the client
 * sends the first size right away, `run` may subscribe a little later) are held and replayed to the
 * first listener, so the initial terminal size is never lost.
 */
export class ResizeDecoder {
  private pending = '';
  private held: TerminalSize[] = [];

  constructor(private readonly events: ResizeEvents) {
    (events as EventEmitter).on('newListener', (name: string | symbol) => {
      if (name !== 'resize' || this.held.length === 0) return;
      // 'newListener' fires before the listener is added: replay once it is in place.
      queueMicrotask(() => {
        const held = this.held;
        this.held = [];
        for (const size of held) this.deliver(size);
      });
    });
  }

  private deliver(size: TerminalSize): void {
    if (this.events.listenerCount('resize') === 0) {
      this.held.push(size);
      if (this.held.length > 16) this.held.shift();
    } else {
      this.events.emit('resize', size);
    }
  }

  push(chunk: Buffer): void {
    this.pending += chunk.toString('utf8');
    // Objects are flat, so each one ends at the first '}' after its '{'.
    for (;;) {
      const start = this.pending.indexOf('{');
      const end = this.pending.indexOf('}', start);
      if (start < 0 || end < 0) break;
      const text = this.pending.slice(start, end + 1);
      this.pending = this.pending.slice(end + 1);
      try {
        const v = JSON.parse(text) as Partial<TerminalSize>;
        if (typeof v.Width === 'number' && typeof v.Height === 'number') {
          this.deliver({ Width: v.Width, Height: v.Height });
        }
      } catch {
        // A malformed size is dropped, as kubelet's decoder would stop on it; nothing else depends on it.
      }
    }
    if (this.pending.length > 4096) this.pending = '';
  }
}
