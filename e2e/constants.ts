/**
 * Values shared by playwright.config.ts (which passes them to the server) and the tests
 * (which time their assertions by them).
 */

/** How long the server keeps a user online after their last connection closes (P2). */
export const PRESENCE_GRACE_MS = 1000;

/** A receiver forgets a typer it has heard nothing about for this long (T4, shared-types). */
export const TYPING_TTL_MS = 6000;
