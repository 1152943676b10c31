package io.codequery.pidfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class StrictFilesTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Path file;
  private Path victim;

  @BeforeEach
  void paths() throws IOException {
    file = dir.resolve("worker.log");
    victim = dir.resolve("victim");
    Files.writeString(victim, "precious\n");
  }

  static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  private void mkfifo(Path p) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo " + p);
  }

  private void assertVictimUntouched() throws IOException {
    assertEquals("precious\n", Files.readString(victim));
  }

  @Test
  void reading_a_regular_file_gives_its_bytes() throws IOException {
    Files.writeString(file, "hello");
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), StrictFiles.read(file, 100));
  }

  @Test
  void reading_a_missing_file_is_no_such_file() {
    assertThrows(NoSuchFileException.class, () -> StrictFiles.read(file, 100));
  }

  @Test
  void reading_through_a_symlink_is_refused_naming_the_file_and_its_target() throws IOException {
    Files.createSymbolicLink(file, victim);
    UnsafeFileException e =
        assertThrows(UnsafeFileException.class, () -> StrictFiles.read(file, 100));
    assertEquals(file, e.file());
    assertTrue(
        e.getMessage().startsWith(file + " is a symbolic link to " + victim), e.getMessage());
    assertTrue(e.getMessage().contains("rm " + file), e.getMessage());
  }

  @Test
  void a_fifo_is_refused_for_reading_without_blocking() throws Exception {
    mkfifo(file);
    UnsafeFileException e =
        assertTimeoutPreemptively(
            PROMPTLY,
            () -> assertThrows(UnsafeFileException.class, () -> StrictFiles.read(file, 100)));
    assertTrue(e.getMessage().startsWith(file + " is a FIFO (named pipe)"), e.getMessage());
    assertTrue(e.getMessage().contains("could block forever"), e.getMessage());
  }

  @Test
  void a_fifo_is_refused_for_appending_and_locking_without_blocking() throws Exception {
    mkfifo(file);
    // open(2) of a FIFO for writing blocks until a reader appears: these must never get that far.
    assertTimeoutPreemptively(
        PROMPTLY,
        () -> {
          assertThrows(UnsafeFileException.class, () -> StrictFiles.openForAppend(file));
          assertThrows(UnsafeFileException.class, () -> StrictFiles.openLockFile(file));
          assertThrows(UnsafeFileException.class, () -> StrictFiles.createIfAbsent(file));
          assertThrows(UnsafeFileException.class, () -> StrictFiles.readTail(file, 10));
        });
  }

  @Test
  void a_file_larger_than_the_bound_is_refused_unread() throws IOException {
    Files.write(file, new byte[101]);
    UnsafeFileException e =
        assertThrows(UnsafeFileException.class, () -> StrictFiles.read(file, 100));
    assertTrue(e.getMessage().contains("is 101 bytes, more than the 100"), e.getMessage());
  }

  @Test
  void appending_through_a_symlink_is_refused_and_the_target_untouched() throws IOException {
    Files.createSymbolicLink(file, victim);
    assertThrows(UnsafeFileException.class, () -> StrictFiles.openForAppend(file));
    assertThrows(UnsafeFileException.class, () -> StrictFiles.openLockFile(file));
    assertThrows(UnsafeFileException.class, () -> StrictFiles.createIfAbsent(file));
    assertThrows(FileAlreadyExistsException.class, () -> StrictFiles.createNew(file, new byte[1]));
    assertVictimUntouched();
  }

  @Test
  void a_dangling_symlink_is_never_created_through() throws IOException {
    Path target = dir.resolve("would-be-created");
    Files.createSymbolicLink(file, target);
    assertThrows(UnsafeFileException.class, () -> StrictFiles.openForAppend(file));
    assertThrows(UnsafeFileException.class, () -> StrictFiles.createIfAbsent(file));
    assertThrows(FileAlreadyExistsException.class, () -> StrictFiles.createNew(file, new byte[1]));
    assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void appending_creates_the_file_with_mode_0644_at_most_and_appends() throws IOException {
    for (String line : new String[] {"one\n", "two\n"}) {
      try (SeekableByteChannel out = StrictFiles.openForAppend(file)) {
        out.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      }
    }
    assertEquals("one\ntwo\n", Files.readString(file));
    assertEquals(0, mode(file) & ~0644, Integer.toOctalString(mode(file)));
  }

  @Test
  void a_lock_file_is_created_regular_and_lockable() throws IOException {
    try (FileChannel ch = StrictFiles.openLockFile(file)) {
      assertTrue(ch.tryLock() != null);
    }
    assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void create_if_absent_creates_once_and_keeps_an_existing_regular_file() throws IOException {
    assertTrue(StrictFiles.createIfAbsent(file));
    Files.writeString(file, "kept");
    assertFalse(StrictFiles.createIfAbsent(file));
    assertEquals("kept", Files.readString(file));
  }

  @Test
  void the_tail_of_a_file_is_its_last_bytes() throws IOException {
    Files.writeString(file, "0123456789");
    assertEquals("789", new String(StrictFiles.readTail(file, 3), StandardCharsets.UTF_8));
    assertEquals("0123456789", new String(StrictFiles.readTail(file, 64), StandardCharsets.UTF_8));
  }

  @Test
  void ensure_directory_creates_it_and_refuses_a_link_even_to_a_directory() throws IOException {
    Path d = dir.resolve("a/b/.code-query");
    assertEquals(d, StrictFiles.ensureDirectory(d));
    assertTrue(Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS));
    assertEquals(d, StrictFiles.ensureDirectory(d), "an existing directory is fine");

    Path link = dir.resolve("linked");
    Files.createSymbolicLink(link, d);
    UnsafeFileException e =
        assertThrows(UnsafeFileException.class, () -> StrictFiles.ensureDirectory(link));
    assertTrue(e.getMessage().startsWith(link + " is a symbolic link to " + d), e.getMessage());

    UnsafeFileException notDir =
        assertThrows(UnsafeFileException.class, () -> StrictFiles.ensureDirectory(victim));
    assertTrue(
        notDir.getMessage().contains("is a regular file, not a directory"), notDir.getMessage());
  }

  @Test
  void atomic_writes_replace_a_planted_link_instead_of_writing_through_it() throws IOException {
    Files.createSymbolicLink(file, victim);
    StrictFiles.writeAtomically(file, "new".getBytes(StandardCharsets.UTF_8), SafeModes.FILE);
    assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS));
    assertEquals("new", Files.readString(file));
    assertVictimUntouched();
  }

  @Test
  void shell_quoting_leaves_plain_paths_alone_and_quotes_the_rest() {
    assertEquals("/a/b.c", StrictFiles.quote(Path.of("/a/b.c")));
    assertEquals("'/a b/it'\\''s'", StrictFiles.quote(Path.of("/a b/it's")));
  }
}
