import { ProblemException } from '../../common/problems/problem.exception';
import { allowedReturnUrl } from './return-url';

const ALLOWED = { returnOrigins: ['https://app.example.com'], returnUrls: ['com.example.app:/oauth'], defaultReturnUrl: 'https://app.example.com/' };

describe('allowedReturnUrl', () => {
  it("takes the frontend's addresses and the listed ones, and defaults to the frontend's root", () => {
    expect(allowedReturnUrl(undefined, ALLOWED)).toBe('https://app.example.com/');
    expect(allowedReturnUrl('https://app.example.com/auth/callback?next=%2Fsettings#x', ALLOWED)).toBe('https://app.example.com/auth/callback?next=%2Fsettings');
    expect(allowedReturnUrl('com.example.app:/oauth', ALLOWED)).toBe('com.example.app:/oauth');
  });

  it.each(['https://evil.example/', 'https://app.example.com.evil.example/', 'https://app.example.com@evil.example/', 'https://x:y@app.example.com/', 'http://app.example.com/', '/relative', 'javascript:alert(1)', 'com.example.app:/oauth/other', `https://app.example.com/${'a'.repeat(2100)}`])(
    'refuses %s',
    (target) => {
      expect(() => allowedReturnUrl(target, ALLOWED)).toThrow(ProblemException);
    },
  );
});
