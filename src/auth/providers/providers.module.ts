import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../../users/users.module';
import { SecondFactorModule } from '../second-factor/second-factor.module';
import { SessionsModule } from '../sessions/sessions.module';
import { IdentitiesRepository } from './identities.repository';
import { IdentitiesService } from './identities.service';
import { Identity } from './identity.entity';
import { OAuthCode } from './oauth-code.entity';
import { OAuthFlow } from './oauth-flow.entity';
import { OAuthFlowsRepository } from './oauth-flows.repository';
import { ProviderFlowsService } from './provider-flows.service';
import { ProviderLoginController } from './provider-login.controller';
import { ProviderLoginService } from './provider-login.service';
import { ProviderStrategies } from './provider-strategies';
import { UserIdentitiesController } from './user-identities.controller';

/**
 * Signing in with other providers (AUTH_PROVIDERS): each a passport strategy on openid-client,
 * the redirect dance kept in tables, the accounts it leads to, and the caller's linked identities.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Identity, OAuthFlow, OAuthCode]), UsersModule, SessionsModule, SecondFactorModule],
  controllers: [ProviderLoginController, UserIdentitiesController],
  providers: [ProviderStrategies, OAuthFlowsRepository, IdentitiesRepository, ProviderFlowsService, ProviderLoginService, IdentitiesService],
})
export class ProvidersModule {}
