package io.codequery.testing;

import io.codequery.MinimalWorkerDetector;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Class directories for detector processes that must not see the test class path: target/classes
 * alone, plus a directory holding only {@link DetectMain}.
 */
public final class ClassDirs {
  private static Path worldReadable;
  private static final List<Path> CREATED = Collections.synchronizedList(new ArrayList<>());

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  synchronized (CREATED) {
                    CREATED.forEach(ClassDirs::deleteQuietly);
                  }
                },
                "class-dirs-cleanup"));
  }

  private ClassDirs() {}

  /** target/classes. */
  public static Path mainClasses() {
    return locationOf(MinimalWorkerDetector.class);
  }

  /** A fresh directory holding DetectMain.class and nothing else. */
  public static Path probeOnly() throws IOException {
    Path dir = Files.createTempDirectory("cq-probe-");
    CREATED.add(dir);
    String rel = DetectMain.class.getName().replace('.', '/') + ".class";
    Path target = dir.resolve(rel);
    Files.createDirectories(target.getParent());
    Files.copy(locationOf(DetectMain.class).resolve(rel), target);
    return dir;
  }

  /**
   * A class path of copies of target/classes and DetectMain in a 0755 directory, for a detector run
   * as user nobody (who cannot read /root/.m2 or a 0700 temp dir).
   */
  public static synchronized String worldReadableClassPath() throws IOException {
    if (worldReadable == null) {
      Path dir = worldReadableDir("cq-classes-");
      CREATED.add(dir);
      copyTree(mainClasses(), dir.resolve("classes"));
      copyTree(probeOnly(), dir.resolve("probe"));
      chmodTree(dir);
      worldReadable = dir;
    }
    return worldReadable.resolve("classes") + ":" + worldReadable.resolve("probe");
  }

  /** A temp directory that every user may enter and read. */
  public static Path worldReadableDir(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /**
   * Runs {@code DetectMain args} as user nobody; with {@code hideProcesses}, inside a mount
   * namespace whose /proc is mounted with {@code hidepid=invisible}, so other users' processes are
   * hidden. Returns the first line the probe printed.
   */
  public static String detectAsNobody(boolean hideProcesses, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (hideProcesses) {
      cmd.addAll(
          List.of(
              "unshare",
              "-m",
              "--propagation",
              "private",
              "sh",
              "-c",
              "mount -t proc -o hidepid=invisible proc /proc && exec \"$@\"",
              "sh"));
    }
    cmd.addAll(
        List.of(
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(RealWorker.processTableFlag());
    cmd.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xmx64m",
            "-cp",
            worldReadableClassPath(),
            DetectMain.class.getName()));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).directory(new File("/tmp")).start();
    var out = RealWorker.drain(p);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("detector as nobody did not finish within 60 s");
    }
    String text = out.join();
    if (p.exitValue() != 0) {
      throw new IllegalStateException("detector as nobody exited " + p.exitValue() + ":\n" + text);
    }
    return text.lines().findFirst().orElse("");
  }

  /** Whether this machine lets us mount a private /proc with hidepid (root with CAP_SYS_ADMIN). */
  public static boolean canHideProcesses() {
    try {
      Process p =
          new ProcessBuilder(
                  "unshare",
                  "-m",
                  "--propagation",
                  "private",
                  "sh",
                  "-c",
                  "mount -t proc -o hidepid=invisible proc /proc")
              .redirectErrorStream(true)
              .start();
      RealWorker.drain(p);
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Path locationOf(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // a temp dir; the OS cleans up
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static void chmodTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.forEach(
          p -> {
            try {
              Files.setPosixFilePermissions(
                  p,
                  PosixFilePermissions.fromString(
                      Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
