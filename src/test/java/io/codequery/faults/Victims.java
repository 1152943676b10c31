package io.codequery.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A file and a directory outside {@code .code-query/} for hostile links to point at: a detector
 * that follows a link, or removes through one, changes them.
 */
final class Victims {
  private static final String TEXT = "precious data of someone else\n";
  private static final String PRECIOUS = "do not delete\n";

  final Path file;
  final Path dir;

  Victims(Path base) {
    this.file = base.resolve("victim.txt");
    this.dir = base.resolve("victim-dir");
  }

  void create() throws IOException {
    Files.writeString(file, TEXT);
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("precious"), PRECIOUS);
  }

  /** The file holds what it held, and the directory holds its one file and nothing else. */
  boolean untouched() throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        || !Files.readString(file).equals(TEXT)
        || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> inside = Files.list(dir)) {
      return inside.map(p -> p.getFileName().toString()).toList().equals(List.of("precious"))
          && Files.readString(dir.resolve("precious")).equals(PRECIOUS);
    }
  }
}
