package io.codequery.store;

import io.codequery.project.RepoPath;

/**
 * One document that matches a search.
 *
 * @param score relevance, higher is better (positive; comparable within one search only)
 * @param snippet the best-matching passage, each matched term between {@code **} and {@code **}
 */
public record SearchHit(RepoPath path, String commit, double score, String snippet) {}
