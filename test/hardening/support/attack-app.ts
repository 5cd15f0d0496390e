import { DataSource } from 'typeorm';
import type { ApiResponse } from '../../support/api-client';
import { ApiClient } from '../../support/api-client';
import { useApp } from '../../support/test-app';

export interface AttackApp {
  api: ApiClient;
  /** The service's own DataSource, to read (never to write) rows behind the API. */
  db(): DataSource;
}

/** useApp() for attacks: no contract check (they send what no contract describes), plus the DataSource. */
export function useAttackApp(env: Record<string, string> = {}): AttackApp {
  const { api, testApp } = useApp(env, { checkContract: false });
  return { api, db: () => testApp().app.get(DataSource) };
}

/** An RFC 9457 answer with this status (and code, when given). */
export function expectProblem(response: ApiResponse, status: number, code?: string): void {
  const summary = `${response.path} → ${response.status} ${response.text.slice(0, 300)}`;
  expect({ summary, status: response.status }).toEqual({ summary, status });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toEqual(expect.objectContaining({ status, type: expect.any(String), title: expect.any(String) }));
  if (code) expect(response.body.code).toBe(code);
}

/** How many responses had each status, e.g. `{ 200: 1, 409: 49 }`. */
export function countStatuses(responses: ApiResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
