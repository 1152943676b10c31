package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import java.nio.file.Path;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's own "database or disk is full" ({@code SQLITE_FULL}), produced for real: the connection
 * is capped with {@code max_page_count}, which code-query never sets, so for code-query this code
 * always means a full file system. The fault run met it as a worker that died at start-up on a full
 * disk, whose message said only that the job queue could not be used, among other possible causes.
 */
class FullQueueTest {
  @TempDir Path dir;

  @Test
  void a_full_queue_says_no_space_is_left_and_names_the_file() {
    Path file = dir.resolve("queue.db");
    try (SqliteDatabase db = SqliteDatabase.openReadWrite(file)) {
      CodeQueryException e =
          assertThrows(
              CodeQueryException.class,
              () ->
                  db.withConnection(
                      c -> {
                        try (Statement st = c.createStatement()) {
                          st.execute("CREATE TABLE filler(x BLOB)");
                          st.execute("PRAGMA max_page_count = 8");
                          for (int i = 0; i < 100; i++) {
                            st.execute("INSERT INTO filler VALUES (zeroblob(8192))");
                          }
                        }
                        return null;
                      }));
      String m = e.getMessage();
      assertTrue(m.startsWith(file + ": no space left"), m);
      assertTrue(m.contains("free some space"), m);
    }
  }
}
