package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.store.JobState;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyQueueTest {
  @TempDir Path dir;

  private Path queueWithOneJob() {
    Path db = dir.resolve("queue.db");
    try (JobQueue q = JobQueue.open(db, 0, Duration.ZERO, Clock.systemUTC())) {
      q.enqueue("c1", List.of("a.txt"));
    }
    return db;
  }

  @Test
  void a_read_only_queue_counts_and_lists_but_never_writes() {
    Path db = queueWithOneJob();
    try (JobQueue q = JobQueue.openReadOnly(db, Clock.systemUTC())) {
      assertEquals(1L, q.counts().get(JobState.PENDING));
      assertEquals(1, q.list(Optional.empty(), 10).size());
      assertEquals(1L, q.depth());
      CodeQueryException e =
          assertThrows(CodeQueryException.class, () -> q.enqueue("c2", List.of("b.txt")));
      assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
    }
    try (JobQueue q = JobQueue.openReadOnly(db, Clock.systemUTC())) {
      assertEquals(1L, q.depth(), "nothing was written");
    }
  }

  @Test
  void a_missing_queue_is_not_created_by_a_reader() {
    Path db = dir.resolve("queue.db");
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> JobQueue.openReadOnly(db, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("no job queue at " + db), e.getMessage());
    assertFalse(Files.exists(db, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void a_queue_at_another_schema_version_is_opened_to_be_migrated() throws Exception {
    Path db = Files.createFile(dir.resolve("queue.db")); // empty: schema version 0
    try (JobQueue q = JobQueue.openReadOnly(db, Clock.systemUTC())) {
      assertEquals(0L, q.depth());
      q.enqueue("c1", List.of("a.txt")); // opened read-write, migrated
    }
  }
}
