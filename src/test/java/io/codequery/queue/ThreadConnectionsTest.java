package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kept-open database gives each thread one connection for its life, and a failed one is new. */
class ThreadConnectionsTest {
  @TempDir Path dir;

  @Test
  void a_thread_keeps_its_connection_and_another_thread_gets_its_own() throws Exception {
    SqliteDatabase db = SqliteDatabase.openReadWrite(dir.resolve("queue.db"));
    db.keepOpen();
    Connection first = db.withConnection(c -> c);
    assertSame(first, db.withConnection(c -> c));
    Connection other = CompletableFuture.supplyAsync(() -> db.withConnection(c -> c)).get();
    assertNotSame(first, other);
    db.close();
    assertTrue(first.isClosed() && other.isClosed(), "closing the database closes them");
    assertThrows(IllegalStateException.class, () -> db.withConnection(c -> c));
  }

  @Test
  void an_operation_that_failed_leaves_its_connection_behind() throws Exception {
    SqliteDatabase db = SqliteDatabase.openReadWrite(dir.resolve("queue.db"));
    db.keepOpen();
    Connection first = db.withConnection(c -> c);
    assertThrows(
        CodeQueryException.class,
        () ->
            db.withConnection(
                c -> {
                  throw new SQLException("the disk is on fire");
                }));
    assertTrue(first.isClosed());
    Connection next = db.withConnection(c -> c);
    assertNotSame(first, next);
    assertTrue(!next.isClosed());
    db.close();
  }

  @Test
  void an_operation_nested_in_another_of_the_same_thread_gets_a_connection_of_its_own() {
    SqliteDatabase db = SqliteDatabase.openReadWrite(dir.resolve("queue.db"));
    db.keepOpen();
    Connection outer = db.withConnection(c -> c);
    Connection inner = db.withConnection(c -> db.withConnection(nested -> nested));
    assertNotSame(outer, inner);
    assertSame(outer, db.withConnection(c -> c));
    db.close();
  }

  @Test
  void without_keep_open_every_operation_opens_its_own() {
    SqliteDatabase db = SqliteDatabase.openReadWrite(dir.resolve("queue.db"));
    assertNotSame(db.withConnection(c -> c), db.withConnection(c -> c));
    db.close();
  }
}
