import { describe, expect, it } from 'vitest';
import { ApiError, csrfToken, errorMessage, fieldErrors } from '../src/lib/api';

describe('error messages shown to people', () => {
  it('uses the API message in the current language', () => {
    const error = new ApiError(400, { error: 'invalid_credentials', message: 'ユーザー名またはパスワードが正しくありません。', message_en: 'The user name or password is not correct.' }, 'invalid_credentials');
    expect(errorMessage(error, 'ja')).toBe('ユーザー名またはパスワードが正しくありません。');
    expect(errorMessage(error, 'en')).toBe('The user name or password is not correct.');
  });
  it('falls back to our wording of the error code when the API has no English', () => {
    const error = new ApiError(409, { error: 'not_failed', message: '失敗した文書だけを再処理できます。' }, 'not_failed');
    expect(errorMessage(error, 'en')).toBe('Only failed documents can be retried.');
    expect(errorMessage(error, 'ja')).toBe('失敗した文書だけを再処理できます。');
  });
  it('translates known Japanese DRF details, else uses the HTTP status', () => {
    expect(errorMessage(new ApiError(404, { detail: '文書が見つかりません。' }), 'en')).toBe('The document was not found.');
    expect(errorMessage(new ApiError(403, { detail: '何か新しい理由。' }), 'en')).toBe('You are not allowed to do this.');
    expect(errorMessage(new ApiError(403, { detail: '何か新しい理由。' }), 'ja')).toBe('何か新しい理由。');
  });
  it('labels field errors and never shows JSON', () => {
    const error = new ApiError(400, { amount: ['0 以上の値を入力してください。'], title: ['この項目は空にできません。'] });
    expect(errorMessage(error, 'ja')).toBe('金額: 0 以上の値を入力してください。 / 件名: この項目は空にできません。');
    expect(errorMessage(error, 'ja')).not.toContain('{');
    expect(fieldErrors(error)).toEqual({ amount: ['0 以上の値を入力してください。'], title: ['この項目は空にできません。'] });
  });
  it('has readable messages for network failures, HTML error pages and unknown errors', () => {
    expect(errorMessage(new ApiError(0, null, 'network'), 'ja')).toContain('サーバーに接続できません');
    expect(errorMessage(new ApiError(502, null), 'en')).toBe('The server had a problem. Please try again later.');
    expect(errorMessage(new Error('TypeError: x is undefined'), 'en')).toBe('Something went wrong. Please try again later.');
  });
  it('reads the CSRF token cookie', () => {
    expect(csrfToken('a=1; csrftoken=abc%3D; b=2')).toBe('abc=');
    expect(csrfToken('')).toBe('');
  });
});

describe('api()', () => {
  it('passes an abort while the body is read on as an AbortError, and refuses non-JSON answers', async () => {
    const { api } = await import('../src/lib/api');
    const original = globalThis.fetch;
    try {
      globalThis.fetch = (async () =>
        ({
          ok: true,
          status: 200,
          headers: new Headers({ 'content-type': 'application/json' }),
          json: async () => {
            throw new DOMException('aborted', 'AbortError');
          },
        }) as unknown as Response) as typeof fetch;
      await expect(api('/api/x/')).rejects.toMatchObject({ name: 'AbortError' });
      globalThis.fetch = (async () =>
        ({ ok: true, status: 200, headers: new Headers({ 'content-type': 'text/html' }) }) as unknown as Response) as typeof fetch;
      await expect(api('/api/x/')).rejects.toBeInstanceOf(ApiError);
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe('signing in', () => {
  it('fetches a CSRF cookie first and sends its token with the login (the server requires it)', async () => {
    const { login } = await import('../src/lib/api');
    const original = globalThis.fetch;
    const sent: { path: string; csrf: string | null }[] = [];
    document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    try {
      globalThis.fetch = (async (path: string, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        sent.push({ path, csrf: headers.get('X-CSRFToken') });
        if (path === '/api/auth/csrf/') {
          document.cookie = 'csrftoken=fresh-token; path=/';
          return { ok: true, status: 204, headers: new Headers() } as unknown as Response;
        }
        return {
          ok: true,
          status: 200,
          headers: new Headers({ 'content-type': 'application/json' }),
          json: async () => ({ id: 1, username: 'tanaka' }),
        } as unknown as Response;
      }) as typeof fetch;
      await login('tanaka', 'pw');
      expect(sent).toEqual([
        { path: '/api/auth/csrf/', csrf: null },
        { path: '/api/auth/login/', csrf: 'fresh-token' },
      ]);
    } finally {
      globalThis.fetch = original;
    }
  });
  it('shows the sign-in limit in the current language', () => {
    const body = {
      error: 'login_throttled',
      message: 'ログインの失敗が続いたため、一時的にログインできません。約15分後に再度お試しください。',
      message_en: 'Too many failed sign-in attempts. Please try again in about 15 minutes.',
      retry_after: 900,
    };
    const error = new ApiError(429, body, 'login_throttled');
    expect(errorMessage(error, 'ja')).toContain('約15分後');
    expect(errorMessage(error, 'en')).toContain('about 15 minutes');
  });
});

describe('an ended session', () => {
  it('sends the person to the login page when the API says nobody is signed in', async () => {
    const { api, setUnauthorizedHandler } = await import('../src/lib/api');
    const original = globalThis.fetch;
    let called = 0;
    setUnauthorizedHandler(() => (called += 1));
    const answer = (status: number, body: unknown) =>
      (async () =>
        ({
          ok: false,
          status,
          headers: new Headers({ 'content-type': 'application/json' }),
          json: async () => body,
        }) as unknown as Response) as typeof fetch;
    try {
      globalThis.fetch = answer(403, { error: 'not_authenticated', message: 'ログインしてください。', message_en: 'Please sign in.' });
      await expect(api('/api/documents/')).rejects.toBeInstanceOf(ApiError);
      expect(called).toBe(1);
      globalThis.fetch = answer(403, { error: 'not_allowed', message: 'この操作の権限がありません。', message_en: 'You may not do this.' });
      await expect(api('/api/documents/1/')).rejects.toBeInstanceOf(ApiError);
      expect(called).toBe(1); // a refusal for a signed-in person is not a logout
    } finally {
      globalThis.fetch = original;
      setUnauthorizedHandler(null);
    }
  });
});

describe('uploading a file', () => {
  it('sends the file as the body, its type and name in headers and the options in the query', async () => {
    const { uploadRequest } = await import('../src/lib/api');
    const file = new File(['%PDF-1.7'], "請求書 (2024)'s.pdf", { type: 'application/pdf' });
    const request = uploadRequest(file, { department: 'doboku', title: '道路補修 見積', document_type: '' });
    expect(request.url).toBe('/api/documents/?department=doboku&title=%E9%81%93%E8%B7%AF%E8%A3%9C%E4%BF%AE+%E8%A6%8B%E7%A9%8D');
    expect(request.headers['Content-Type']).toBe('application/pdf');
    const disposition = request.headers['Content-Disposition'];
    expect(disposition.startsWith("attachment; filename*=UTF-8''")).toBe(true);
    expect(/[ '()]/.test(disposition.slice("attachment; filename*=UTF-8''".length))).toBe(false);
    expect(decodeURIComponent(disposition.split("''")[1])).toBe("請求書 (2024)'s.pdf");
  });
  it('sends a file of unknown type as octet-stream, with no query when there are no options', async () => {
    const { uploadRequest } = await import('../src/lib/api');
    const request = uploadRequest(new File(['x'], 'scan.tif'), {});
    expect(request.url).toBe('/api/documents/');
    expect(request.headers['Content-Type']).toBe('application/octet-stream');
  });
});
