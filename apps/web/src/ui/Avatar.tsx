import { DELETED_USER_NAME } from '@parley/shared-types';
import type { CSSProperties } from 'react';
import { NEUTRAL_AVATAR, avatarColor, initialsOf } from './avatar.logic';

type AvatarProps = {
  userId: string | undefined;
  name: string;
  /** Pixels; the letters scale with it. */
  size?: number;
  className?: string;
};

/**
 * A person's initials on their colour. Decorative (aria-hidden): the name is always
 * written beside it. `Deleted user` (A13) gets the neutral grey and no letters.
 */
export function Avatar({ userId, name, size = 32, className }: AvatarProps) {
  const deleted = name === DELETED_USER_NAME || userId === undefined;
  const style: CSSProperties = {
    width: size,
    height: size,
    fontSize: Math.round(size * 0.42),
    background: deleted ? NEUTRAL_AVATAR : avatarColor(userId),
  };
  return (
    <span className={className ? `avatar ${className}` : 'avatar'} style={style} aria-hidden="true">
      {deleted ? '' : initialsOf(name)}
    </span>
  );
}
