package io.codequery.pidfile;

import static io.codequery.testing.ProjectFiles.pidFile;
import static io.codequery.testing.ProjectFiles.writePidFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.WorkerDetector;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The PID file reader, and what both detectors make of each kind of file it meets. */
class PidFileReaderTest {
  @TempDir Path root;
  Path pid;

  @BeforeEach
  void makeProjectDir() throws IOException {
    pid = pidFile(root);
    Files.createDirectories(pid.getParent());
  }

  @Test
  void an_absent_file_reads_as_absent_and_detects_as_not_running() {
    assertInstanceOf(PidFileRead.Absent.class, PidFileReader.read(pid));
    assertInstanceOf(
        PidFileRead.Absent.class, PidFileReader.read(root.resolve("no-such-dir/worker.pid")));
    assertEquals("not_running", new WorkerDetector(root).detect().outcome());
  }

  @Test
  void a_regular_file_reads_as_its_bytes_and_its_file_key() throws IOException {
    writePidFile(root, "4242\n");
    PidFileRead.Content c = assertInstanceOf(PidFileRead.Content.class, PidFileReader.read(pid));
    assertArrayEquals("4242\n".getBytes(StandardCharsets.US_ASCII), c.bytes());
    assertEquals(Files.readAttributes(pid, BasicFileAttributes.class).fileKey(), c.fileKey());
  }

  @Test
  void a_file_of_exactly_the_byte_limit_is_read_and_one_byte_more_is_too_large()
      throws IOException {
    writePidFile(root, "1".repeat(PidFileReader.MAX_BYTES));
    assertEquals(
        PidFileReader.MAX_BYTES,
        assertInstanceOf(PidFileRead.Content.class, PidFileReader.read(pid)).bytes().length);
    writePidFile(root, "1".repeat(PidFileReader.MAX_BYTES + 1));
    assertInstanceOf(PidFileRead.TooLarge.class, PidFileReader.read(pid));
  }

  @Test
  void a_symbolic_link_to_a_victim_file_is_never_followed_nor_removed() throws IOException {
    Path victim = Files.writeString(root.resolve("victim.txt"), "1\n");
    Files.createSymbolicLink(pid, victim);
    PidFileRead.NotRegular n =
        assertInstanceOf(PidFileRead.NotRegular.class, PidFileReader.read(pid));
    assertTrue(n.what().contains("symbolic link"), n.what());

    assertUnknownAndLeftInPlace();
    assertEquals("1\n", Files.readString(victim));
    assertEquals(victim, Files.readSymbolicLink(pid));
  }

  @Test
  void a_symbolic_link_to_a_directory_is_never_followed_nor_removed() throws IOException {
    Path target = Files.createDirectory(root.resolve("some-dir"));
    Files.writeString(target.resolve("keep"), "x");
    Files.createSymbolicLink(pid, target);
    assertInstanceOf(PidFileRead.NotRegular.class, PidFileReader.read(pid));
    assertUnknownAndLeftInPlace();
    assertEquals("x", Files.readString(target.resolve("keep")));
  }

  @Test
  void a_dangling_symbolic_link_is_neither_absent_nor_removed() throws IOException {
    Files.createSymbolicLink(pid, root.resolve("nowhere"));
    assertInstanceOf(PidFileRead.NotRegular.class, PidFileReader.read(pid));
    assertUnknownAndLeftInPlace();
    assertFalse(Files.exists(root.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void a_directory_in_place_of_the_pid_file_is_unknown_and_left_in_place() throws IOException {
    Files.createDirectory(pid);
    PidFileRead.NotRegular n =
        assertInstanceOf(PidFileRead.NotRegular.class, PidFileReader.read(pid));
    assertTrue(n.what().contains("directory"));
    assertUnknownAndLeftInPlace();
    assertTrue(Files.isDirectory(pid));
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void a_fifo_is_never_opened_so_detection_returns_promptly() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", pid.toString()).inheritIO().start();
    assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, mkfifo.exitValue());
    // Opening a FIFO for reading blocks until a writer appears: a reader that opened it would hang
    // here.
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          PidFileRead.NotRegular n =
              assertInstanceOf(PidFileRead.NotRegular.class, PidFileReader.read(pid));
          assertTrue(n.what().contains("FIFO"), n.what());
          assertUnknownAndLeftInPlace();
        });
    assertTrue(Files.exists(pid, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void a_file_of_megabytes_is_not_read_and_is_removed_as_invalid() throws IOException {
    try (OutputStream out = Files.newOutputStream(pid)) {
      byte[] block = "4242\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 1000; i++) {
        out.write(block);
      }
    }
    PidFileRead.TooLarge t = assertInstanceOf(PidFileRead.TooLarge.class, PidFileReader.read(pid));
    assertEquals(5_000_000, t.size());

    assertEquals("invalid", new MinimalWorkerDetector(root).detect().outcome());
    assertTrue(Files.exists(pid));
    Detection d = new WorkerDetector(root).detect();
    assertInstanceOf(Detection.Invalid.class, d, d.reason());
    assertTrue(d.cleanedUp());
    assertFalse(Files.exists(pid));
  }

  @Test
  void nul_bytes_are_read_as_they_are_and_the_file_is_removed_as_invalid() throws IOException {
    writePidFile(root, new byte[] {'4', '2', 0, '\n'});
    assertArrayEquals(
        new byte[] {'4', '2', 0, '\n'},
        assertInstanceOf(PidFileRead.Content.class, PidFileReader.read(pid)).bytes());
    Detection d = new WorkerDetector(root).detect();
    assertInstanceOf(Detection.Invalid.class, d, d.reason());
    assertTrue(d.cleanedUp());
    assertFalse(Files.exists(pid));
  }

  @Test
  void a_small_file_of_nul_bytes_only_is_invalid() throws IOException {
    writePidFile(root, new byte[16]);
    assertEquals("invalid", new WorkerDetector(root).detect().outcome());
  }

  private void assertUnknownAndLeftInPlace() {
    Detection minimal = new MinimalWorkerDetector(root).detect();
    assertInstanceOf(Detection.Unknown.class, minimal, minimal.reason());
    Detection full = new WorkerDetector(root).detect();
    assertInstanceOf(Detection.Unknown.class, full, full.reason());
    assertFalse(full.cleanedUp());
    assertTrue(full.reason().contains("not read or removed"), full.reason());
    assertTrue(Files.exists(pid, LinkOption.NOFOLLOW_LINKS), "PID file entry was removed");
  }
}
