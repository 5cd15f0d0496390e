import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { AppConfig } from '../config/app-config';

/** bcrypt at BCRYPT_ROUNDS, always through the async API so that it runs off the event loop. */
@Injectable()
export class PasswordService {
  /**
   * A well-formed hash of nothing: comparing against it costs the same bcrypt work as a real
   * one, so that a login for an unknown account takes as long as a wrong password.
   */
  private readonly decoyHash: string;

  constructor(private readonly config: AppConfig) {
    this.decoyHash = bcrypt.genSaltSync(config.bcryptRounds) + 'A'.repeat(31);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.bcryptRounds);
  }

  /** True for a hash made at a lower cost than BCRYPT_ROUNDS: it is replaced at the next login. */
  needsRehash(hash: string): boolean {
    return bcrypt.getRounds(hash) < this.config.bcryptRounds;
  }

  /**
   * Compares with `hash`, or with the decoy when there is no account or it has no password yet
   * (invited), and is false then.
   */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? this.decoyHash);
    return matches && typeof hash === 'string';
  }
}
