import { normalizeLoginName } from './login-name';

describe('normalizeLoginName', () => {
  it.each([
    ['Jane.Doe@Example.COM', 'jane.doe@example.com'],
    [' ｊａｎｅ ', 'jane'],
    ['\u212Aim', 'kim'],
    ['Cla\u017Fs', 'class'],
  ])('reads %p as %p: case, width and compatibility forms are one name', (typed, name) => {
    expect(normalizeLoginName(typed)).toBe(name);
  });

  it.each(['admİn', 'admın'])('leaves %p a name of its own, which no ASCII account name equals', (typed) => {
    const name = normalizeLoginName(typed);
    expect(name).not.toBe('admin');
    expect([...name].some((character) => character.charCodeAt(0) > 0x7f)).toBe(true);
  });
});
