package io.codequery.process;

import java.util.List;
import java.util.Optional;

/**
 * The argument that marks a JVM as a code-query worker for one project root. The launcher puts it
 * first among the JVM's arguments, because Linux shows only the first page of a command line to
 * {@code ProcessHandle.Info} and a long class path must not push it out of view.
 */
public final class WorkerMarker {
  public static final String PREFIX = "-Dcode-query.worker=";

  private WorkerMarker() {}

  public static String forRoot(String root) {
    return PREFIX + root;
  }

  /** The project root named by the first marker among {@code args}, if any carries one. */
  public static Optional<String> rootIn(List<String> args) {
    for (String a : args) {
      if (a.startsWith(PREFIX)) {
        return Optional.of(a.substring(PREFIX.length()));
      }
    }
    return Optional.empty();
  }
}
