import type { DataSource, EntityManager } from 'typeorm';

/**
 * A repository whose statements run on the data source's manager, or on a transaction's:
 * `transaction` hands the work this repository bound to the transaction, `on` binds it to one
 * that another table's change opened.
 */
export abstract class BoundRepository {
  manager: EntityManager;

  constructor(protected readonly dataSource: DataSource) {
    this.manager = dataSource.manager;
  }

  transaction<T>(work: (repository: this) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(this.on(manager)));
  }

  on(manager: EntityManager): this {
    const bound = Object.create(this) as this;
    bound.manager = manager;
    return bound;
  }
}
