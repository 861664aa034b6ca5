/** The version of a message view (E5): its newest change's seq, or its own seq when never changed. */
export function versionOf(message: { seq: number; version?: number | undefined }): number {
  return message.version ?? message.seq;
}
