package io.codequery.store;

/**
 * The store's side of {@code docs status}.
 *
 * @param documented current documents
 * @param pending documentation jobs waiting or running
 * @param failed documentation jobs that failed for good
 * @param alreadyDocumented jobs done at once, without running, because their content was documented
 *     already
 * @param superseded jobs not run because a newer change of their path came first
 */
public record DocumentCounts(
    long documented, long pending, long failed, long alreadyDocumented, long superseded) {}
