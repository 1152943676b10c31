package io.codequery.testing;

import io.codequery.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Collectors;

/**
 * A {@code code-query} launcher for this test run's class path, as {@code ./code-query} is for the
 * built jar: what the git hook calls for its fallbacks and for its settings.
 */
public final class TestLauncher {
  private TestLauncher() {}

  /** Writes the launcher script to {@code file} (executable) and returns it. */
  public static Path write(Path file) throws Exception {
    String java =
        RealWorker.javaCommand().stream().map(TestLauncher::quote).collect(Collectors.joining(" "));
    Files.writeString(file, "#!/bin/sh\nexec " + java + " " + Main.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
