import { Module } from '@nestjs/common';
import { PurgeJob } from './purge.job';
import { PurgeRepository } from './purge.repository';

/** The periodic purge of ended sessions, spent tokens, old mail and unused pictures; it owns no entity, only statements. */
@Module({
  providers: [PurgeRepository, PurgeJob],
})
export class PurgeModule {}
