import type { ExecutionContext } from '@nestjs/common';
import type { ReflectableDecorator, Reflector } from '@nestjs/core';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- handlers and classes, as Nest gives them
type Target = Function;

/**
 * A route's metadata under `key`, the handler's or else its controller's, read once per route
 * and then from a map: the global guards ask on every request, and reflect-metadata walks the
 * prototype chain on every read.
 */
export function routeMetadata<T>(
  reflector: Reflector,
  key: string | ReflectableDecorator<T>,
): (context: ExecutionContext) => T | undefined {
  const byClass = new Map<Target, Map<Target, T | undefined>>();
  return (context) => {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = byClass.get(controller);
    if (!byHandler) byClass.set(controller, (byHandler = new Map()));
    if (byHandler.has(handler)) return byHandler.get(handler);
    const value = reflector.getAllAndOverride<T>(key as string, [handler, controller]);
    byHandler.set(handler, value);
    return value;
  };
}
