package dev.lamina.scaling;

/**
 * What one gateway replica reports of one shared limit.
 *
 * @param limit    the limit as this replica's configuration has it
 * @param share    how many invocations it admits at most now
 * @param inFlight invocations it admitted and has not answered
 * @param wanted   in flight plus refused since its last report: the share it would have used
 */
public record ShareUse(ShareKey key, int limit, int share, int inFlight, int wanted) {
}
