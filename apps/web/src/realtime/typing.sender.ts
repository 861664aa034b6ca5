import { notify } from './commands';
import { TypingThrottle } from './typing.throttle';

const throttle = new TypingThrottle(({ command, roomId }) =>
  notify(command === 'start' ? 'typing:start' : 'typing:stop', { roomId }),
);

/** The composer text changed: maybe tell the room I am typing. */
export function typingInput(roomId: string, text: string): void {
  throttle.input(roomId, text, Date.now());
}

/** I stopped typing (sent, cleared, switched room, left the page). */
export function typingStop(): void {
  throttle.stop();
}

/** The connection dropped: the server has already stopped my typing. */
export function typingReset(): void {
  throttle.reset();
}
