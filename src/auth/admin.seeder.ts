import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ErrorCode } from '../common/problems/error-code.enum';
import { ProblemException } from '../common/problems/problem.exception';
import { normalizeEmail } from '../users/email-address';
import { Role } from '../access/role.enum';
import { UsersService } from '../users/users.service';

/**
 * Creates the ADMIN_EMAIL administrator at start-up when the database has no active admin at
 * all: a first start, or a recovery after every admin was lost. Once one exists, the variables
 * do nothing, so that deleting that account or changing its email never brings it back, and
 * an existing account is never touched.
 */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeeder.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { admin } = this.config;
    if (!admin || (await this.users.hasActiveAdmin())) return;
    const email = normalizeEmail(admin.email);
    try {
      // Verified: the operator chose the address, and REQUIRE_EMAIL_VERIFICATION must not lock the only admin out.
      await this.users.create({ email, password: admin.password, name: 'Administrator', role: Role.ADMIN, email_verified: true });
      this.logger.log('Created the administrator account named by ADMIN_EMAIL');
    } catch (error) {
      if (!(error instanceof ProblemException)) throw error;
      if (error.code === ErrorCode.WEAK_PASSWORD) {
        throw new Error(`ADMIN_PASSWORD is refused: ${error.detail}`, { cause: error });
      }
      // Taken: by another instance starting at the same moment, or by an account that is not
      // an active admin, which is left as it is.
      this.logger.warn('ADMIN_EMAIL belongs to an existing account: no administrator was created');
    }
  }
}
