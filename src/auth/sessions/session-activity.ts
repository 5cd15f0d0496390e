import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { errorLine } from '../../common/error-line';
import { SessionsRepository } from './sessions.repository';

/** How often the sessions seen are written: a session's row moves at most this often. */
export const ACTIVITY_FLUSH_MS = 60_000;

/**
 * When each session was last used, without a write on every request: an authenticated request
 * notes its session here (a Map.set), and once a minute the sessions seen since are written in
 * one statement. Each instance writes what it saw; at shutdown what is pending is written.
 */
@Injectable()
export class SessionActivity implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionActivity.name);
  private seen = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly sessions: SessionsRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), ACTIVITY_FLUSH_MS).unref();
  }

  /** Before the data source closes (its module's onApplicationShutdown): what is pending is written. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** An access token of the session was just accepted. */
  touch(sessionId: string): void {
    this.seen.set(sessionId, Date.now());
  }

  /** When the session was seen here and not yet written, if it was. */
  pending(sessionId: string): Date | undefined {
    const at = this.seen.get(sessionId);
    return at === undefined ? undefined : new Date(at);
  }

  /** Writes the sessions seen since the last flush; a failure is logged and they wait for the next. */
  async flush(): Promise<void> {
    if (this.seen.size === 0) return;
    const batch = this.seen;
    this.seen = new Map();
    try {
      await this.sessions.markUsed([...batch.keys()], [...batch.values()].map((at) => new Date(at)));
    } catch (error) {
      for (const [id, at] of batch) if (!this.seen.has(id)) this.seen.set(id, at);
      this.logger.warn(`Sessions' last use not written: ${errorLine(error)}`);
    }
  }
}
