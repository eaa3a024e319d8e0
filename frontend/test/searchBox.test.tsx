// The search box component with composition events as a Japanese IME sends them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { LangProvider } from '../src/context';
import { SearchBox } from '../src/components/SearchBox';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;
let sent: [string, boolean][];

function type(input: HTMLInputElement, value: string, isComposing: boolean) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  setter.call(input, value);
  const event = new Event('input', { bubbles: true });
  Object.defineProperty(event, 'isComposing', { value: isComposing });
  input.dispatchEvent(event);
}

function composition(input: HTMLInputElement, name: 'compositionstart' | 'compositionend', data = '') {
  const event = new Event(name, { bubbles: true });
  Object.defineProperty(event, 'data', { value: data });
  input.dispatchEvent(event);
}

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => {
    root.render(createElement(LangProvider, null, createElement(SearchBox, { value: '', onSearch: (q: string, now: boolean) => sent.push([q, now]), delay: 300 })));
  });
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.useRealTimers();
});

describe('<SearchBox>', () => {
  it('has a visible label', () => {
    const input = container.querySelector('input')!;
    expect(container.querySelector(`label[for="${input.id}"]`)?.textContent).toBe('検索語');
  });

  it('waits through an IME composition and sends the converted word once', () => {
    const input = container.querySelector('input')!;
    act(() => {
      composition(input, 'compositionstart');
      type(input, 'よさん', true);
      vi.advanceTimersByTime(2000);
      type(input, '予算', true);
      vi.advanceTimersByTime(2000);
    });
    expect(sent).toEqual([]);
    act(() => {
      composition(input, 'compositionend', '予算');
      vi.advanceTimersByTime(300);
    });
    expect(sent).toEqual([['予算', false]]);
  });

  it('sends at once on submit', () => {
    const input = container.querySelector('input')!;
    act(() => type(input, 'abc', false));
    act(() => {
      container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    expect(sent).toEqual([['abc', true]]);
    act(() => vi.advanceTimersByTime(1000));
    expect(sent).toEqual([['abc', true]]);
  });
});
