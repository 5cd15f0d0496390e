import { isIPv4, type Socket } from 'node:net';

/**
 * The client a connection counts against: its IPv4 address (an IPv4-mapped IPv6 address as IPv4),
 * or the /64 of its IPv6 address, which one host gets whole from its provider.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv4(address)) return address;
  const [head, tail] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Counts the open connections of each client address (clientKey), and closes a new one at once,
 * unanswered, when its address already has `max` open: one client cannot hold every connection
 * the server may have (HTTP_MAX_CONNECTIONS). Addresses for which `exempt` is true (trusted
 * proxies, which carry many clients) are not counted.
 */
export class ConnectionsPerAddress {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly exempt: (address: string) => boolean,
    private readonly onRefused: (key: string) => void,
  ) {}

  /** The server's 'connection' listener. */
  readonly admit = (socket: Socket): void => {
    const address = socket.remoteAddress;
    // Already closed by the client: nothing to count.
    if (address === undefined) return void socket.destroy();
    if (this.exempt(address)) return;
    const key = clientKey(address);
    const open = this.open.get(key) ?? 0;
    if (open >= this.max) {
      socket.destroy();
      return this.onRefused(key);
    }
    this.open.set(key, open + 1);
    socket.once('close', () => this.release(key));
  };

  /** Connections open now from `address`'s client. */
  openFrom(address: string): number {
    return this.open.get(clientKey(address)) ?? 0;
  }

  private release(key: string): void {
    const open = this.open.get(key)! - 1;
    if (open === 0) this.open.delete(key);
    else this.open.set(key, open);
  }
}
