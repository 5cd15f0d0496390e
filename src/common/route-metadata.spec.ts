import { Controller, SetMetadata } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeMetadata } from './route-metadata';

const FLAG = 'flag';

@SetMetadata(FLAG, 'class')
@Controller()
class Flagged {
  plain(): void {}

  @SetMetadata(FLAG, 'handler')
  own(): void {}
}

@Controller()
class Unflagged {
  plain(): void {}
}

const contextOf = (controller: { prototype: object }, handler: () => void) =>
  ({ getHandler: () => handler, getClass: () => controller }) as unknown as ExecutionContext;

describe('routeMetadata', () => {
  it("answers the handler's metadata, else its controller's, else undefined", () => {
    const flagOf = routeMetadata<string>(new Reflector(), FLAG);
    expect(flagOf(contextOf(Flagged, Flagged.prototype.own))).toBe('handler');
    expect(flagOf(contextOf(Flagged, Flagged.prototype.plain))).toBe('class');
    expect(flagOf(contextOf(Unflagged, Unflagged.prototype.plain))).toBeUndefined();
  });

  it('reads each route once, and tells the same handler on two controllers apart', () => {
    const reflector = new Reflector();
    const read = jest.spyOn(reflector, 'getAllAndOverride');
    const flagOf = routeMetadata<string>(reflector, FLAG);
    const shared = Unflagged.prototype.plain;
    for (let i = 0; i < 3; i++) {
      expect(flagOf(contextOf(Unflagged, shared))).toBeUndefined();
      expect(flagOf(contextOf(Flagged, shared))).toBe('class');
    }
    expect(read).toHaveBeenCalledTimes(2);
  });
});
