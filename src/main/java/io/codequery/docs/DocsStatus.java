package io.codequery.docs;

/**
 * {@code docs status}: how far the documentation is.
 *
 * @param commit HEAD's commit id; null where the repository has no commit yet
 * @param tracked the files git tracks at HEAD that are documented (regular files)
 * @param documented tracked files whose current document describes their content at HEAD
 * @param stale tracked files whose content at HEAD has no current document ({@code tracked -
 *     documented}: never documented, or documented at an older content)
 * @param pending documentation jobs waiting or running
 * @param failed documentation jobs that failed for good ({@code queue retry} sends them again)
 * @param skipped jobs done at once because their content was documented already
 */
public record DocsStatus(
    String commit,
    long tracked,
    long documented,
    long stale,
    long pending,
    long failed,
    long skipped) {}
