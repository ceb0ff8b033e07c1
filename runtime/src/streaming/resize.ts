// Terminal-size messages: kubectl sends JSON objects `{"Width":100,"Height":30}`, newline-terminated,
// on the resize channel (WebSocket channel 4) or the `resize` SPDY stream. Messages may arrive split
// or several to a chunk, so this decodes a byte stream.
import { EventEmitter } from 'node:events';

export interface TerminalSize {
  Width: number;
  Height: number;
}

export type ResizeEvents = EventEmitter<{ resize: [TerminalSize] }>;

export class ResizeDecoder {
  private pending = '';
  constructor(private readonly events: ResizeEvents) {}

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
          this.events.emit('resize', { Width: v.Width, Height: v.Height });
        }
      } catch {
        // A malformed size is dropped, as kubelet's decoder would stop on it; nothing else depends on it.
      }
    }
    if (this.pending.length > 4096) this.pending = '';
  }
}
