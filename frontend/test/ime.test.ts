import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ImeDebouncer } from '../src/lib/ime';

describe('search box input with a Japanese IME', () => {
  let sent: string[];
  let box: ImeDebouncer;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    box = new ImeDebouncer({ delay: 300, onCommit: (v) => sent.push(v) });
  });
  afterEach(() => vi.useRealTimers());

  it('sends nothing while composing, however long the pause', () => {
    box.compositionStart();
    box.input('h', true);
    box.input('ほ', true);
    box.input('ほけ', true);
    vi.advanceTimersByTime(5000);
    box.input('保険', true);
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual([]);
  });

  it('sends the converted text once, after the pause that follows compositionend', () => {
    box.compositionStart();
    box.input('ほけん', true);
    box.input('保険', true);
    box.compositionEnd('保険');
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(299);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['保険']);
  });

  it('ignores the input event some browsers fire after compositionend', () => {
    box.compositionStart();
    box.input('保険', true);
    box.compositionEnd('保険');
    box.input('保険', false); // Safari order
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['保険']);
  });

  it('debounces ordinary typing', () => {
    box.input('a');
    vi.advanceTimersByTime(100);
    box.input('ab');
    vi.advanceTimersByTime(100);
    box.input('abc');
    vi.advanceTimersByTime(300);
    expect(sent).toEqual(['abc']);
  });

  it('treats an input flagged isComposing as composing even without compositionstart', () => {
    box.input('か', true);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });

  it('does not submit on the Enter that confirms a conversion, but does on the next', () => {
    box.compositionStart();
    box.input('申請', true);
    expect(box.enter('申請', true)).toBe(false);
    box.compositionEnd('申請');
    expect(box.enter('申請')).toBe(true);
    expect(sent).toEqual(['申請']);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['申請']); // the pending debounce was cancelled
  });

  it('does not send a value that came from the URL', () => {
    box.reset('予算');
    box.input('予算');
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
    box.input('予算書');
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['予算書']);
  });

  it('a new composition cancels a pending send', () => {
    box.input('a');
    vi.advanceTimersByTime(200);
    box.compositionStart();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });
});
