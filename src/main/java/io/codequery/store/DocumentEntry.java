package io.codequery.store;

import io.codequery.project.RepoPath;
import java.time.Instant;

/** A current document without its text: what {@link DocumentStore#documents()} lists. */
public record DocumentEntry(
    RepoPath path, String commit, String blob, String processor, Instant documentedAt) {}
