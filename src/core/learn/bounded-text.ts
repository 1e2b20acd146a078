/**
 * The bytes of a body or an answer that the recorder reads, kept only up to a cap, so a large
 * body costs no memory. `whole`: past the cap the text is dropped (`overflowed`) and reported
 * rather than half-read. `head`: the first `cap` bytes are kept and the rest ignored, for answers
 * whose interesting part comes first.
 */
export class BoundedText {
  private parts: Uint8Array[] = [];
  private size = 0;
  /** More than `cap` bytes arrived (`whole`), or the body could not be read: the text is unknown. */
  overflowed = false;

  constructor(
    private readonly cap: number,
    private readonly keep: 'whole' | 'head' = 'whole',
  ) {}

  push(chunk: Uint8Array): void {
    if (this.overflowed) return;
    const room = this.cap - this.size;
    if (chunk.length > room) {
      if (this.keep === 'whole') {
        this.drop();
        return;
      }
      if (room <= 0) return;
      chunk = chunk.subarray(0, room);
    }
    this.size += chunk.length;
    // The proxy reuses its buffers once a chunk is relayed: keep a copy.
    this.parts.push(chunk.slice());
  }

  /** The body cannot be read (an unknown content encoding): its text is unknown. */
  drop(): void {
    this.overflowed = true;
    this.parts = [];
  }

  /** The text read, or undefined when it overflowed; the bytes are released either way. */
  take(): string | undefined {
    const parts = this.parts;
    this.parts = [];
    if (this.overflowed) return undefined;
    const decoder = new TextDecoder();
    let text = '';
    for (const p of parts) text += decoder.decode(p, { stream: true });
    return text + decoder.decode();
  }
}
