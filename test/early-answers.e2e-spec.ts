import { ApiClient, bearer } from './support/api-client';
import { useServiceProcess } from './support/service-process';
import { streamBody } from './support/streamed-body';

const MB = 1024 * 1024;
/**
 * What each request may stream before it sees its answer: the answer comes after a few
 * megabytes, but under two CI lanes' load a client once wrote all of 64 MB before it saw the
 * 413 it had been sent. The whole of it goes only when an answer is late.
 */
const BODY = 256 * MB;
const BOUNDARY = 'early-answer-boundary';
/** Requests per case: closed at once, the connection's reset lost one answer in three to two in three. */
const ATTEMPTS = 30;

/**
 * A body refused before it has been read (413) while the client is still sending it: the answer
 * must reach the client, every time, and not a reset of the connection. The service runs as its
 * own process, as in production: in the test's process the race with the reset is rarely lost.
 */
describe('413 to a client still sending its body', () => {
  const { service } = useServiceProcess({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  let token: string;

  beforeAll(async () => {
    token = (await new ApiClient(service().url).register()).token;
  });

  /**
   * Sends `ATTEMPTS` such requests one after the other; each must be answered 413 while the client
   * still has part of its body to write: answered as the limit was passed, not once the body had
   * all been read. (Not a byte count: how much goes before the answer depends on the machine's load.)
   */
  async function expectAlways413(path: string, body: Omit<Parameters<typeof streamBody>[1], 'headers'>, headers: Record<string, string>) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const answer = await streamBody(`${service().url}${path}`, { ...body, headers: { ...bearer(token), ...headers } });
      expect({ attempt, status: answer.status, code: JSON.parse(answer.body).code, stillSending: answer.stillSending, sent: answer.sentBeforeAnswer }).toEqual({
        attempt,
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        stillSending: true,
        sent: expect.any(Number),
      });
    }
  }

  it('a JSON body of 256 MB with its Content-Length', async () => {
    await expectAlways413('/users', { size: BODY }, { 'content-type': 'application/json', 'content-length': String(BODY) });
  });

  it('a chunked JSON body of 256 MB', async () => {
    await expectAlways413('/users', { size: BODY }, { 'content-type': 'application/json' });
  });

  it('a picture of 256 MB', async () => {
    await expectAlways413(
      '/users/avatar',
      {
        head: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
        size: BODY,
        tail: `\r\n--${BOUNDARY}--\r\n`,
      },
      { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    );
  });
});
