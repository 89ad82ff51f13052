import { request } from 'undici';

const RESPONSE_BODY_LIMIT = 2_000;

export interface HttpAnswer {
  status: number;
  body: string;
}

/** POSTs JSON and reads the answer (truncated for storage); network failures are thrown to the caller. */
export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  return { status: res.statusCode, body: (await res.body.text()).slice(0, RESPONSE_BODY_LIMIT) };
}

/** Reads a JSON answer's error code field, or null when the body is not JSON. */
export function answerCode(body: string, field: 'errcode' | 'code' | 'retcode'): number | null {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return typeof parsed[field] === 'number' ? (parsed[field] as number) : null;
  } catch {
    return null;
  }
}
