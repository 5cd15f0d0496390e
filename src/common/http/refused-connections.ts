import type { LoggerService } from '@nestjs/common';

/** How often, at most, a line about refused connections is written. */
const WINDOW_MS = 60_000;

/**
 * The log of connections refused by a cap (connection-limits.ts): a warning at the first, then at
 * most one line a minute counting the others, so that a flood of connections is no flood of lines.
 */
export class RefusedConnections {
  private readonly counts = new Map<string, number>();
  private window?: NodeJS.Timeout;

  constructor(private readonly logger: LoggerService) {}

  /** A connection from `client` refused by `limit` (the variable that sets it). */
  refused(limit: string, client?: string): void {
    if (this.window) {
      this.counts.set(limit, (this.counts.get(limit) ?? 0) + 1);
      return;
    }
    const from = client ? ` from ${client}` : '';
    this.logger.warn(`Refused a connection${from}: ${limit} reached. At most one line a minute follows while refusals go on`, 'Connections');
    this.openWindow();
  }

  private openWindow(): void {
    this.window = setTimeout(() => this.closeWindow(), WINDOW_MS).unref();
  }

  /** Writes the window's count, and keeps counting while refusals go on. */
  private closeWindow(): void {
    this.window = undefined;
    if (this.counts.size === 0) return;
    const counts = [...this.counts].map(([limit, count]) => `${count} over ${limit}`).join(', ');
    this.counts.clear();
    this.logger.warn(`Refused ${counts} in the last minute`, 'Connections');
    this.openWindow();
  }
}
