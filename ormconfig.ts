import { AppConfig } from './src/config/app-config';
import { AppDataSource } from './src/database/app-data-source';
import { dataSourceOptions } from './src/database/data-source-options';

// The TypeORM CLI's data source (npm run migration:*), on the database the service would use.
export default new AppDataSource(dataSourceOptions(AppConfig.fromEnvironment().database));
