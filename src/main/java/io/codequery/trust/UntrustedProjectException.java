package io.codequery.trust;

import io.codequery.CodeQueryException;

/**
 * Refusal to run a project's documentation command (or start its worker): the files that choose the
 * command are another user's, or others may write them, and the caller has not trusted the project.
 * The message names each file, its owner and mode, and what to do.
 */
public final class UntrustedProjectException extends CodeQueryException {
  private static final long serialVersionUID = 1L;

  private final transient ProjectTrust.Untrusted verdict;

  public UntrustedProjectException(ProjectTrust.Untrusted verdict) {
    super(verdict.message());
    this.verdict = verdict;
  }

  public ProjectTrust.Untrusted verdict() {
    return verdict;
  }
}
