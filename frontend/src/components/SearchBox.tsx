import { useEffect, useMemo, useRef, useState } from 'react';
import { useLang } from '../context';
import { ImeDebouncer } from '../lib/ime';

/**
 * The search field: sends after a pause in typing, never in the middle of an IME
 * conversion, at once on Enter or the button.
 */
export function SearchBox({ value, onSearch, delay = 400 }: { value: string; onSearch: (q: string, immediate: boolean) => void; delay?: number }) {
  const { t } = useLang();
  const [text, setText] = useState(value);
  const onSearchRef = useRef(onSearch);
  onSearchRef.current = onSearch;
  const debouncer = useMemo(() => new ImeDebouncer({ delay, onCommit: (q) => onSearchRef.current(q, false) }), [delay]);
  useEffect(() => () => debouncer.cancel(), [debouncer]);
  // The URL changed (back button, a bookmark, "clear"): show it without sending it again.
  useEffect(() => {
    setText(value);
    debouncer.reset(value);
  }, [value, debouncer]);

  return (
    <form
      role="search"
      className="search-box"
      onSubmit={(event) => {
        event.preventDefault();
        debouncer.reset(text);
        onSearchRef.current(text, true);
      }}
    >
      <label htmlFor="search-q" className="search-box__label">
        {t('search.box')}
      </label>
      <div className="search-box__row">
        <input
          id="search-q"
          name="q"
          type="search"
          className="search-box__input"
          value={text}
          placeholder={t('search.placeholder')}
          autoComplete="off"
          aria-describedby="search-help"
          onChange={(event) => {
            setText(event.target.value);
            debouncer.input(event.target.value, (event.nativeEvent as InputEvent).isComposing === true);
          }}
          onCompositionStart={() => debouncer.compositionStart()}
          onCompositionEnd={(event) => debouncer.compositionEnd(event.currentTarget.value)}
          onKeyDown={(event) => {
            // Enter that confirms an IME conversion (isComposing / keyCode 229) is not a search.
            if (event.key === 'Enter' && (event.nativeEvent.isComposing || event.keyCode === 229 || debouncer.isComposing)) {
              event.preventDefault();
            }
          }}
        />
        <button type="submit" className="button button--primary search-box__submit">
          {t('search.submit')}
        </button>
      </div>
      <p id="search-help" className="hint">
        {t('search.help')}
      </p>
    </form>
  );
}
