import { SmtpSink } from './smtp-sink';
import { TestApp, useApp } from './test-app';
import type { ApiClient } from './api-client';

/**
 * useApp() whose mail goes over SMTP to a sink of the block's own (MAIL_TRANSPORT), for tests
 * that read what the service mailed and follow its links. The sink starts before the
 * application and stops after it.
 */
export function useMailedApp(
  env: Record<string, string> = {},
  options: { checkContract?: boolean } = {},
): { api: ApiClient; testApp(): TestApp; sink(): SmtpSink } {
  let sink: SmtpSink | undefined;
  const started = () => {
    if (!sink) throw new Error('the SMTP sink has not started');
    return sink;
  };
  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  const app = useApp(() => ({ ...env, MAIL_TRANSPORT: started().url }), options);
  afterAll(async () => {
    await sink?.stop();
  });
  return { ...app, sink: started };
}
