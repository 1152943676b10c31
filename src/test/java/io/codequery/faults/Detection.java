package io.codequery.faults;

/**
 * A detection as the run sees it: through {@code worker status --json}, or converted from the
 * library's answer.
 *
 * @param outcome the outcome word ({@code running}, {@code stale}, …; {@code unparsable} when the
 *     command did not print one JSON object)
 * @param pid the PID it names, -1 for none
 * @param cleanedUp whether this call removed the PID file
 * @param reason why, in words
 */
record Detection(String outcome, long pid, boolean cleanedUp, String reason) {
  boolean running() {
    return outcome.equals("running");
  }
}
