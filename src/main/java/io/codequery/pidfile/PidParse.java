package io.codequery.pidfile;

/** The result of parsing PID-file contents: a valid PID, or the reason it is not one. */
public sealed interface PidParse permits PidParse.Valid, PidParse.Rejected {
  record Valid(int pid) implements PidParse {}

  record Rejected(String reason) implements PidParse {}
}
