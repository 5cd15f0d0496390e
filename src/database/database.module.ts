import { Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { AppDataSource } from './app-data-source';
import { AppDataSourceOptions, dataSourceOptions } from './data-source-options';

/** The TypeORM data source on PostgreSQL or embedded PGlite, migrated at start-up. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<TypeOrmModuleOptions> => ({
        ...(await dataSourceOptions(config.database)),
        // Each feature module registers its own entities (TypeOrmModule.forFeature).
        autoLoadEntities: true,
        // A server down at start-up is waited for (compose starts both at once), not forever.
        retryAttempts: 5,
        retryDelay: 2000,
      }),
      dataSourceFactory: async (options) => {
        const dataSource = await new AppDataSource(options as AppDataSourceOptions).initialize();
        await dataSource.migrate();
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
