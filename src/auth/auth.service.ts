import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '../common/error-code.enum';
import { ProblemException } from '../common/problem.exception';
import { PasswordService } from '../users/password.service';
import { Role } from '../users/role.enum';
import { toUserView } from '../users/user-view';
import { UsersService } from '../users/users.service';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { RegisterResponseDto, TokenResponseDto } from './dto/token-response.dto';
import { TokensService } from './tokens.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly tokens: TokensService,
  ) {}

  /** Sign-up always makes a USER; the caller is logged in at once. */
  async register(dto: RegisterDto): Promise<RegisterResponseDto> {
    const user = await this.users.create({ ...dto, role: Role.USER });
    return { user: toUserView(user), ...(await this.tokens.openSession(user.id)) };
  }

  /**
   * One answer for an unknown account and a wrong password, at the same bcrypt cost. That an
   * account is disabled is told only to someone who knows its password.
   */
  async login(dto: LoginDto): Promise<TokenResponseDto> {
    const user = await this.users.findByLogin(dto);
    const valid = await this.passwords.verify(dto.password, user?.password_hash);
    if (!user || !valid) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.INVALID_CREDENTIALS,
        'The email or password is wrong.',
      );
    }
    if (!user.is_active) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.ACCOUNT_DISABLED,
        'This account is disabled.',
      );
    }
    return this.tokens.openSession(user.id);
  }
}
