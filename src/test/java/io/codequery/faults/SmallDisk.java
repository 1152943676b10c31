package io.codequery.faults;

import io.codequery.testing.RealWorker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A 32 MiB file system of its own on the project's {@code .code-query/}, so that the disk-full
 * faults can fill it: tmpfs, else an ext4 loop mount; as root only. Without it the disk-full faults
 * are left out of the draw.
 */
final class SmallDisk {
  private final Path dir;
  private final Path imageDir;
  private boolean mounted;
  private String how = "none";

  /** A file system for {@code dir}; a loop image, if one is needed, goes into {@code imageDir}. */
  SmallDisk(Path dir, Path imageDir) {
    this.dir = dir;
    this.imageDir = imageDir;
  }

  void mount() {
    if (!"root".equals(System.getProperty("user.name"))) {
      how = "the ordinary disk (not root: disk-full faults skipped)";
      return;
    }
    if (sh("mount -t tmpfs -o size=32m,mode=0755 tmpfs '" + dir + "'")) {
      mounted = true;
      how = "tmpfs size=32m";
      return;
    }
    Path img = imageDir.resolve("disk.img");
    if (sh(
        "truncate -s 32M '"
            + img
            + "' && mkfs.ext4 -q -F '"
            + img
            + "' && mount -o loop '"
            + img
            + "' '"
            + dir
            + "'")) {
      mounted = true;
      how = "ext4 loop mount 32M";
      return;
    }
    how = "the ordinary disk (no tmpfs or loop mount: disk-full faults skipped)";
  }

  boolean mounted() {
    return mounted;
  }

  /** What {@code .code-query/} is on, for the summary. */
  String how() {
    return how;
  }

  /** Fills the file system to its last page with a filler file. */
  void fill() throws IOException {
    Path filler = dir.resolve(".filler");
    byte[] mb = new byte[1024 * 1024];
    byte[] page = new byte[4096];
    try (OutputStream out =
        Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      while (true) {
        out.write(mb);
        out.flush();
      }
    } catch (IOException e) {
      // full to the last megabyte
    }
    try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.APPEND)) {
      while (true) {
        out.write(page);
        out.flush();
      }
    } catch (IOException e) {
      // full to the last page
    }
  }

  /** Removes the filler, if any. */
  void free() throws IOException {
    Files.deleteIfExists(dir.resolve(".filler"));
  }

  void unmount() {
    if (mounted) {
      if (!Poll.until(Duration.ofSeconds(30), () -> sh("umount '" + dir + "'"))) {
        sh("umount -l '" + dir + "'");
      }
    }
  }

  private static boolean sh(String script) {
    try {
      Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
      RealWorker.drain(p);
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
