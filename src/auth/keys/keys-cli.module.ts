import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '../../config/config.module';
import { DatabaseModule } from '../../database/database.module';
import { KeysModule } from './keys.module';

/** What `npm run keys:rotate` needs of the service: its configuration, its database, its keys. */
@Module({})
export class KeysCliModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    return { module: KeysCliModule, imports: [ConfigModule.forRoot(env), DatabaseModule, KeysModule] };
  }
}
