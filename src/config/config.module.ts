import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config';
import { Environment, ENVIRONMENT_VARIABLES, parseEnvironment } from './environment';

/**
 * The environment, validated by @nestjs/config against the Environment schema, and the typed
 * AppConfig made from it once. The environment is handed in rather than read from the process,
 * so that tests can run several differently configured applications in one process; no .env
 * file is read (Compose and the shell provide the variables).
 */
@Module({})
export class ConfigModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      imports: [
        NestConfigModule.forRoot({
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          cache: true,
          validate: () => parseEnvironment(env),
        }),
      ],
      providers: [
        {
          provide: AppConfig,
          inject: [ConfigService],
          useFactory: (config: ConfigService<Environment, true>) =>
            new AppConfig(
              Object.fromEntries(
                ENVIRONMENT_VARIABLES.map((name) => [name, config.get(name, { infer: true })]),
              ) as unknown as Environment,
            ),
        },
      ],
      exports: [AppConfig],
    };
  }
}
