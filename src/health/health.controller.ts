import { Controller, Get, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiProblems } from '../common/api-problems.decorator';
import { ErrorCode } from '../common/error-code.enum';
import { ProblemException } from '../common/problem.exception';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ operationId: 'health', summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ operationId: 'ready', summary: 'Readiness: the database answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiProblems(503)
  async ready() {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.SERVICE_UNAVAILABLE,
        'The database does not answer.',
      );
    }
    return { status: 'ok' };
  }
}
