// Direct HTTP calls to the API server (undici), for what kubectl cannot do: writing pods/status,
// creating Events, and checking raw responses.
import { Agent, request } from 'undici';

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export class ApiClient {
  private readonly agent = new Agent({ connections: 16 });

  constructor(readonly baseUrl: string) {}

  async call<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<ApiResponse<T>> {
    const res = await request(this.baseUrl + path, {
      method,
      dispatcher: this.agent,
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text so the assertion message shows it */
    }
    return { status: res.statusCode, headers: res.headers, body: parsed as T };
  }

  get<T = any>(path: string) {
    return this.call<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown) {
    return this.call<T>('POST', path, body);
  }
  mergePatch<T = any>(path: string, body: unknown) {
    return this.call<T>('PATCH', path, body, 'application/merge-patch+json');
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
