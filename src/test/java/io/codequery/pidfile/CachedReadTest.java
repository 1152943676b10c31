package io.codequery.pidfile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read kept per version of its file: never a version that a later write could hide behind. */
class CachedReadTest {
  @TempDir Path dir;
  Path file;
  final AtomicInteger reads = new AtomicInteger();
  CachedRead<String> cached;

  @BeforeEach
  void makeCache() {
    file = dir.resolve("worker.identity");
    cached =
        new CachedRead<>(
            file,
            p -> {
              reads.incrementAndGet();
              try {
                return Files.readString(p, StandardCharsets.US_ASCII);
              } catch (IOException e) {
                return "absent";
              }
            });
  }

  private void write(String text, Instant modified) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII); // in place: same inode
    Files.setLastModifiedTime(file, FileTime.from(modified));
  }

  private static Instant settledAgo() {
    return Instant.now().minus(CachedRead.SETTLED).minusSeconds(60);
  }

  @Test
  void a_settled_version_is_read_once_and_then_answered_from_one_lstat() throws IOException {
    write("pid=1\n", settledAgo());
    assertEquals("pid=1\n", cached.get());
    assertEquals("pid=1\n", cached.get());
    assertEquals("pid=1\n", cached.get());
    assertEquals(1, reads.get());
  }

  @Test
  void a_young_file_rewritten_in_place_with_the_same_size_is_read_again_every_time()
      throws IOException {
    // Written just now: a rewrite within the same timestamp step would keep its modification
    // time, so no version of it may be kept yet.
    Files.writeString(file, "pid=1\n");
    assertEquals("pid=1\n", cached.get());
    Files.writeString(file, "pid=2\n");
    assertEquals("pid=2\n", cached.get());
    assertEquals(2, reads.get());
  }

  @Test
  void a_settled_file_rewritten_in_place_is_read_again_once_its_time_or_size_changes()
      throws IOException {
    Instant old = settledAgo();
    write("pid=1\n", old);
    assertEquals("pid=1\n", cached.get());
    write("pid=2\n", old.plusNanos(1000));
    assertEquals("pid=2\n", cached.get());
    write("pid=33\n", old.plusNanos(1000));
    assertEquals("pid=33\n", cached.get());
    // What it cannot see, as documented: a rewrite that also puts the old time back.
    write("pid=44\n", old.plusNanos(1000));
    assertEquals("pid=33\n", cached.get());
  }

  @Test
  void a_file_replaced_by_rename_is_read_again_whatever_its_time_and_size() throws IOException {
    Instant old = settledAgo();
    write("pid=1\n", old);
    assertEquals("pid=1\n", cached.get());
    Path tmp = dir.resolve("worker.identity.tmp");
    Files.writeString(tmp, "pid=2\n");
    Files.setLastModifiedTime(tmp, FileTime.from(old));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    assertEquals("pid=2\n", cached.get());
  }

  @Test
  void an_absent_file_and_a_link_are_read_every_time() throws IOException {
    assertEquals("absent", cached.get());
    assertEquals("absent", cached.get());
    Path target = dir.resolve("target");
    Files.writeString(target, "pid=9\n");
    Files.setLastModifiedTime(target, FileTime.from(settledAgo()));
    Files.createSymbolicLink(file, target);
    cached.get();
    cached.get();
    assertEquals(4, reads.get());
  }

  @Test
  void a_file_dated_in_the_future_is_never_kept() throws IOException {
    write("pid=1\n", Instant.now().plus(Duration.ofHours(1)));
    cached.get();
    cached.get();
    assertEquals(2, reads.get());
  }
}
