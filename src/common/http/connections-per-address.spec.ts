import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { clientKey, ConnectionsPerAddress } from './connections-per-address';

/** Enough of a socket for the count: its address, destroy() and 'close'. */
function fakeSocket(remoteAddress: string | undefined) {
  const socket = Object.assign(new EventEmitter(), {
    remoteAddress,
    destroyed: false,
    destroy: jest.fn(() => {
      socket.destroyed = true;
      socket.emit('close');
    }),
  });
  return socket as typeof socket & Socket;
}

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0002:ffff::1', '2001:db8:0:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('counts %s as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('counts two addresses of one IPv6 /64 as one client, and of two /64s as two', () => {
    expect(clientKey('2001:db8:a:b::1')).toBe(clientKey('2001:db8:a:b:ffff:ffff:ffff:ffff'));
    expect(clientKey('2001:db8:a:b::1')).not.toBe(clientKey('2001:db8:a:c::1'));
  });
});

describe('ConnectionsPerAddress', () => {
  const refused: string[] = [];
  const exempt = (address: string) => address === '10.0.0.9';
  let perAddress: ConnectionsPerAddress;

  beforeEach(() => {
    refused.length = 0;
    perAddress = new ConnectionsPerAddress(2, exempt, (key) => refused.push(key));
  });

  it('admits `max` connections from an address and closes the next at once, unanswered', () => {
    const sockets = ['203.0.113.7', '203.0.113.7', '203.0.113.7'].map(fakeSocket);
    sockets.forEach(perAddress.admit);
    expect(sockets.map(({ destroyed }) => destroyed)).toEqual([false, false, true]);
    expect(refused).toEqual(['203.0.113.7']);
    expect(perAddress.openFrom('203.0.113.7')).toBe(2);
  });

  it('counts each address on its own', () => {
    const sockets = ['203.0.113.7', '203.0.113.7', '203.0.113.8', '::ffff:203.0.113.8'].map(fakeSocket);
    sockets.forEach(perAddress.admit);
    expect(sockets.some(({ destroyed }) => destroyed)).toBe(false);
    expect(perAddress.openFrom('203.0.113.8')).toBe(2);
  });

  it('admits again once a connection of the address has closed', () => {
    const [first, second] = ['203.0.113.7', '203.0.113.7'].map(fakeSocket);
    perAddress.admit(first);
    perAddress.admit(second);
    first.emit('close');
    const third = fakeSocket('203.0.113.7');
    perAddress.admit(third);
    expect(third.destroyed).toBe(false);
    second.emit('close');
    third.emit('close');
    expect(perAddress.openFrom('203.0.113.7')).toBe(0);
  });

  it('does not count the connections of an exempt address (a trusted proxy)', () => {
    const sockets = Array.from({ length: 5 }, () => fakeSocket('10.0.0.9'));
    sockets.forEach(perAddress.admit);
    expect(sockets.some(({ destroyed }) => destroyed)).toBe(false);
    expect(perAddress.openFrom('10.0.0.9')).toBe(0);
  });

  it('closes a connection whose address is gone already (reset before it was accepted)', () => {
    const socket = fakeSocket(undefined);
    perAddress.admit(socket);
    expect(socket.destroyed).toBe(true);
    expect(refused).toEqual([]);
  });
});
