// The one module that talks to reviewdesk: fetch('/api/...') in both the browser and the desktop window.

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch('/api' + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({ code: 'internal', message: res.statusText }));
  if (!res.ok) throw new ApiError(res.status, data.code ?? 'internal', data.message ?? res.statusText);
  return data as T;
}

export interface Progress {
  user: string;
  done_today: number;
  left: number;
  items_per_hour: number;
}

export interface Me {
  user: string;
  role: string;
  progress: Progress;
}

export const getMe = () => request<Me>('GET', '/me');
