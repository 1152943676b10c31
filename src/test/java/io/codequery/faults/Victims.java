package io.codequery.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A file and a directory outside {@code .code-query/} for hostile links to point at: a detector
 * that follows a link, or removes through one, changes them.
 */
final class Victims {
  private static final String TEXT = "precious data of someone else\n";

  final Path file;
  final Path dir;

  Victims(Path base) {
    this.file = base.resolve("victim.txt");
    this.dir = base.resolve("victim-dir");
  }

  void create() throws IOException {
    Files.writeString(file, TEXT);
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("precious"), "do not delete\n");
  }

  boolean untouched() throws IOException {
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        && Files.readString(file).equals(TEXT)
        && Files.exists(dir.resolve("precious"));
  }
}
