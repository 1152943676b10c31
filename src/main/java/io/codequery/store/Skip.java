package io.codequery.store;

/** Whether a claimed job must run, as {@link JobStore#skipIfUnneeded} decides. */
public sealed interface Skip {
  /** Run it: its content is not documented by this processor, and no newer change came. */
  record Run() implements Skip {}

  /**
   * Done without running (its {@link Job#outcome()} says why: {@link Outcome#ALREADY_DOCUMENTED} or
   * {@link Outcome#SUPERSEDED}; its {@link Job#note()} says it in words).
   */
  record Skipped(Job job) implements Skip {}

  /** The claim no longer holds the job (its lease expired and another worker took it). */
  record Lost() implements Skip {}
}
