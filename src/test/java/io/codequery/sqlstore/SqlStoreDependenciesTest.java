package io.codequery.sqlstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The protocols written once stay free of either database: what differs between SQLite and
 * PostgreSQL goes through {@link SqlDialect}, so nothing here may import a driver or either store's
 * package (a protocol that reached into {@code queue} or {@code pgstore} would be one store's copy
 * again, and would load that store's classes for the other).
 */
class SqlStoreDependenciesTest {
  private static final Path SOURCES = Path.of("src/main/java/io/codequery/sqlstore");
  private static final List<String> ALLOWED =
      List.of("java.", "io.codequery.store.", "io.codequery.project.");

  @Test
  void the_shared_protocols_import_only_java_the_store_contract_and_paths() throws IOException {
    List<String> refused = new ArrayList<>();
    int files = 0;
    try (Stream<Path> sources = Files.list(SOURCES)) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        files++;
        for (String line : Files.readAllLines(source)) {
          if (line.startsWith("import ")) {
            String imported = line.substring("import ".length()).replaceFirst("^static ", "");
            if (ALLOWED.stream().noneMatch(imported::startsWith)) {
              refused.add(source.getFileName() + ": " + line);
            }
          }
        }
      }
    }
    assertTrue(files >= 5, "the sources of sqlstore were not found under " + SOURCES);
    assertEquals(List.of(), refused, "imports outside java, store and project");
  }
}
