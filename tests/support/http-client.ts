export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

/** A small HTTP client for e2e tests: JSON in, status + parsed body out. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey?: string,
  ) {}

  withKey(apiKey: string | undefined): HttpClient {
    return new HttpClient(this.baseUrl, apiKey);
  }

  async request(method: string, path: string, options: { json?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let body: string | Buffer | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: tests read `text`
    }
    return { status: response.status, headers: response.headers, contentType: response.headers.get('content-type') ?? '', body: parsed, text };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  post(path: string, json: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, { json, headers });
  }

  put(path: string, json: unknown) {
    return this.request('PUT', path, { json });
  }

  delete(path: string) {
    return this.request('DELETE', path);
  }
}
