package io.codequery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library returns data; only {@code io.codequery.cli} turns it into symbols, text for a
 * terminal and exit statuses. Below it no source prints a status symbol or ends the JVM: a caller
 * of {@code StartWorker} or {@code StopWorker} gets a result, never a line meant for a person.
 */
class OnlyTheCliFormatsTest {
  /** What only the CLI may write: the status symbols and the ways to end the JVM with a status. */
  private static final List<String> CLI_ONLY = List.of("✓", "✗", "System.exit(", ".halt(");

  private static final Path MAIN = Path.of("src", "main", "java");
  private static final Path CLI = MAIN.resolve(Path.of("io", "codequery", "cli"));

  @Test
  void no_source_below_the_cli_prints_status_symbols_or_picks_an_exit_status() throws IOException {
    assertTrue(Files.isDirectory(CLI), "run from the project's root: " + CLI.toAbsolutePath());
    List<String> found = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (file.startsWith(CLI)) {
          continue;
        }
        scanned++;
        List<String> lines = read(file);
        for (int i = 0; i < lines.size(); i++) {
          for (String token : CLI_ONLY) {
            if (lines.get(i).contains(token)) {
              found.add(file + ":" + (i + 1) + ": " + token + "   " + lines.get(i).strip());
            }
          }
        }
      }
    }
    assertTrue(scanned > 50, "scanned only " + scanned + " files below the CLI");
    assertEquals(List.of(), found, "move the text or exit status to io.codequery.cli");
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
