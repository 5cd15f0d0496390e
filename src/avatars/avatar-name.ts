/** A stored picture's name: the SHA-256 of its bytes, in hex, and its type. */
const AVATAR_NAME = /^([0-9a-f]{64})\.webp$/;

const AVATARS = '/avatars/';

/** Where a stored picture is served: what `image_path` holds once it is uploaded. */
export const avatarPath = (hash: string) => `${AVATARS}${hash}.webp`;

/** The hash in a picture's name, or undefined for a name no picture can have. */
export const hashOfName = (name: string) => AVATAR_NAME.exec(name)?.[1];

/** The hash of the stored picture an `image_path` shows, or undefined for any other path. */
export const hashOfPath = (path: string) => (path.startsWith(AVATARS) ? hashOfName(path.slice(AVATARS.length)) : undefined);
