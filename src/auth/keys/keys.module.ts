import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminSigningKeysController } from './admin-signing-keys.controller';
import { SigningKey } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';
import { WellKnownController } from './well-known.controller';

/**
 * The keys that sign access tokens: configured, or made and kept in the database and rotated;
 * published as a JWKS with a discovery document, so that other services verify tokens with
 * nothing but a URL. Tokens are signed and checked with them in ../tokens.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKey])],
  controllers: [WellKnownController, AdminSigningKeysController],
  providers: [SigningKeysRepository, SigningKeysService],
  exports: [SigningKeysService],
})
export class KeysModule {}
