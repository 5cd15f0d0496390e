import { AppConfig } from './src/config/app-config';
import { AppDataSource } from './src/database/app-data-source';
import { dataSourceOptions } from './src/database/data-source-options';

// The TypeORM CLI's data source (npm run migration:*), on the database the service would use.
export default dataSourceOptions(AppConfig.fromEnvironment().database).then((options) => new AppDataSource(options));
