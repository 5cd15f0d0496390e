import { DataSource } from 'typeorm';
import type { AppDataSourceOptions } from './data-source-options';

/** A DataSource that also closes the embedded database it runs on, after the pool. */
export class AppDataSource extends DataSource {
  constructor(private readonly appOptions: AppDataSourceOptions) {
    super(appOptions);
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    await this.appOptions.pglite?.close();
  }
}
