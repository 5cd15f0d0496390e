import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { helmetHeaders, securityHeaderValues } from './security-headers.hook';

describe('helmetHeaders', () => {
  it.each([
    ['the defaults', {}],
    ['a policy of our own', { contentSecurityPolicy: { directives: { defaultSrc: ["'none'"] } }, frameguard: { action: 'deny' as const } }],
  ])('answers exactly what helmet sets on a real response, with %s', (_label, options) => {
    const response = new ServerResponse(new IncomingMessage(new Socket()));
    helmet(options)(response.req, response, () => undefined);
    expect(helmetHeaders(options)).toEqual(response.getHeaders());
  });
});

describe('securityHeaderValues', () => {
  it("is helmet's headers and Cache-Control: no-store, made once and frozen", () => {
    const headers = securityHeaderValues({});
    expect(headers).toEqual({ ...helmetHeaders({}), 'cache-control': 'no-store' });
    expect(Object.isFrozen(headers)).toBe(true);
  });
});
