/**
 * A search box that waits for the person: nothing is sent while a Japanese IME is
 * composing (between compositionstart and compositionend), and typed text is sent only
 * after a pause (debounce). Enter sends at once — except the Enter that confirms an IME
 * conversion, which must not submit.
 */
export interface ImeDebouncerOptions {
  delay: number;
  onCommit: (value: string) => void;
}

export class ImeDebouncer {
  private composing = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private latest = '';
  private committed: string | null = null;
  constructor(private readonly options: ImeDebouncerOptions) {}

  get isComposing(): boolean {
    return this.composing;
  }

  /** Every input event; `composing` is the event's isComposing flag. */
  input(value: string, composing = false): void {
    this.latest = value;
    if (this.composing || composing) return;
    this.schedule();
  }

  compositionStart(): void {
    this.composing = true;
    this.cancel();
  }

  /** The conversion was confirmed (or cancelled): its text is now ordinary input. */
  compositionEnd(value: string): void {
    this.composing = false;
    this.latest = value;
    this.schedule();
  }

  /** Enter: send now. Returns false when the key only confirms an IME conversion. */
  enter(value: string, composing = false): boolean {
    if (this.composing || composing) return false;
    this.latest = value;
    this.flush();
    return true;
  }

  flush(): void {
    this.cancel();
    this.commit();
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The value was set from outside (e.g. the URL changed): do not send it back. */
  reset(value: string): void {
    this.cancel();
    this.latest = value;
    this.committed = value;
  }

  private schedule(): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.commit();
    }, this.options.delay);
  }

  private commit(): void {
    if (this.latest === this.committed) return;
    this.committed = this.latest;
    this.options.onCommit(this.latest);
  }
}
