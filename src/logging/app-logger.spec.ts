import type { PinoLogger } from 'nestjs-pino';
import { AppLogger } from './app-logger';
import { loggerOptions } from './logger-options';

describe('AppLogger', () => {
  const setup = () => {
    const pino = { info: jest.fn(), debug: jest.fn() };
    return { pino, logger: new AppLogger(pino as unknown as PinoLogger, {}) };
  };

  it.each(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication'])(
    "writes Nest's start-up line of %s at debug",
    (context) => {
      const { pino, logger } = setup();
      logger.log('Mapped {/users, GET} route', context);
      expect(pino.debug).toHaveBeenCalledWith({ context }, 'Mapped {/users, GET} route');
      expect(pino.info).not.toHaveBeenCalled();
    },
  );

  it('writes every other line at its level', () => {
    const { pino, logger } = setup();
    logger.log('Listening on http://localhost:3000', 'Main');
    logger.log('no context');
    expect(pino.info.mock.calls).toEqual([[{ context: 'Main' }, 'Listening on http://localhost:3000'], [{}, 'no context']]);
    expect(pino.debug).not.toHaveBeenCalled();
  });
});

describe('loggerOptions: pretty', () => {
  it('prints through pino-pretty only when asked', () => {
    expect(loggerOptions('info', true)).toMatchObject({ pinoHttp: { transport: { target: 'pino-pretty' } } });
    expect(loggerOptions('info', false).pinoHttp).not.toHaveProperty('transport');
  });
});
