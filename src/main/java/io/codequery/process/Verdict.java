package io.codequery.process;

/** Whether a live PID is this project's worker. */
public sealed interface Verdict
    permits Verdict.Ours, Verdict.Gone, Verdict.NotOurs, Verdict.Undetermined {
  /** Identity verified: this project's worker, the very process that wrote the PID file. */
  record Ours(String reason) implements Verdict {}

  /** No such process (or it exited and awaits reaping). */
  record Gone(String reason) implements Verdict {}

  /** A live process that is provably not this project's worker: the PID was reused. */
  record NotOurs(String reason) implements Verdict {}

  /** A live process whose identity cannot be established; nothing may be removed. */
  record Undetermined(String reason) implements Verdict {}
}
