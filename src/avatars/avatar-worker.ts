import { constants, setPriority } from 'node:os';
import { lowerThreadPoolPriority } from '../common/thread-pool-priority';
import { decodeAvatar } from './avatar-image';
import type { DecodeRequest } from './decoder-process';

/**
 * The decoder process that decoder-process.ts starts: it decodes the uploads it is sent over IPC,
 * one at a time, and sends back each outcome. It runs under SCHED_IDLE (chrt), below every other
 * thread of the machine; where chrt could not start it, its own threads go to nice 19 here,
 * which libvips' threads then inherit from the pool thread that starts them.
 */

lowerThreadPoolPriority();
try {
  setPriority(constants.priority.PRIORITY_LOW);
} catch {
  // Refused: the process keeps its priority.
}

process.on('message', (request: DecodeRequest) => {
  // Advanced serialisation may hand a Buffer over as a plain Uint8Array.
  const upload = Buffer.from(request.upload.buffer, request.upload.byteOffset, request.upload.byteLength);
  void decodeAvatar(upload, request.timeoutSeconds).then((outcome) => process.send?.(outcome));
});
// The service is gone: nothing more will come.
process.on('disconnect', () => process.exit(0));
process.send?.('ready');
