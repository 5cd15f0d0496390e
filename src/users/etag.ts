import { ApiHeader } from '@nestjs/swagger';
import { ErrorCode } from '../common/problems/error-code.enum';
import { withEntityTag } from '../common/http/entity-tag';
import { problem } from '../common/problems/problem.exception';
import type { User } from './user.entity';
import { toUserView, UserView } from './user-view';

/** A strong ETag: the row's version, raised by every update. */
export function userEtag(user: Pick<User, 'version'>): string {
  return `"${user.version}"`;
}

/**
 * The versions an If-Match header accepts: undefined when the header is absent or `*` (any
 * current version), else the listed tags that are, character for character, an ETag this
 * service could have sent. Weak tags never match (RFC 9110 13.1.1).
 */
export function acceptedVersions(ifMatch: string | undefined): number[] | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const versions = ifMatch
    .split(',')
    .map((tag) => /^"([1-9][0-9]{0,8})"$/.exec(tag.trim())?.[1])
    .filter((version) => version !== undefined)
    .map(Number);
  // A header that names no version we could have written matches nothing.
  return versions.length > 0 ? versions : [0];
}

export const preconditionFailed = () =>
  problem(ErrorCode.PRECONDITION_FAILED);

/** The user's public view, carrying the row's ETag for its response. */
export function taggedUserView(user: User): UserView {
  return withEntityTag(toUserView(user), userEtag(user));
}

export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'the ETag of the user as last read; 412 PRECONDITION_FAILED when it changed since',
  });
