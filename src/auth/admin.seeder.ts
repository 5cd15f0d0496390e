import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Role } from '../users/role.enum';
import { UsersService } from '../users/users.service';
import { ProblemException } from '../common/problem.exception';

/**
 * Creates the ADMIN_EMAIL administrator at start-up when no live account has that email. An
 * existing account is left exactly as it is: a restart never resets a changed password.
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
    if (!admin) return;
    const email = admin.email.trim().toLowerCase();
    if (await this.users.findByLogin({ email })) return;
    try {
      await this.users.create({ email, password: admin.password, name: 'Administrator', role: Role.ADMIN });
      this.logger.log('Created the administrator account named by ADMIN_EMAIL');
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (!(error instanceof ProblemException)) throw error;
    }
  }
}
