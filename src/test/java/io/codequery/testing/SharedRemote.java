package io.codequery.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test repository's remote on the shared file system: a bare repository that every host clones,
 * as a team's hosts clone one origin. Git runs with a fixed identity and no user configuration.
 */
public final class SharedRemote {
  private final Path bare;

  private SharedRemote(Path bare) {
    this.bare = bare;
  }

  /**
   * A bare repository {@code dir/remote.git} whose one commit on {@code main} holds {@code files}
   * small text files {@code src/f0000.txt}, … (made in {@code dir/seed} and cloned).
   */
  public static SharedRemote withFiles(Path dir, int files) throws IOException {
    Path seed = Files.createDirectories(dir.resolve("seed"));
    git(seed, "init", "-q", "-b", "main", ".");
    Path src = Files.createDirectories(seed.resolve("src"));
    for (int i = 0; i < files; i++) {
      Files.writeString(
          src.resolve(String.format("f%04d.txt", i)), "file " + i + "\n", StandardCharsets.UTF_8);
    }
    git(seed, "add", "-A");
    git(seed, "commit", "-qm", files + " files");
    Path bare = dir.resolve("remote.git");
    git(dir, "clone", "-q", "--bare", seed.toString(), bare.toString());
    return new SharedRemote(bare);
  }

  public Path path() {
    return bare;
  }

  /** Clones the remote into {@code dest} (origin = the remote) and returns the checkout. */
  public Path cloneInto(Path dest) throws IOException {
    git(dest.getParent(), "clone", "-q", bare.toString(), dest.toString());
    return dest.toRealPath();
  }

  /** The commit {@code main} names. */
  public String head() throws IOException {
    return git(bare, "rev-parse", "main").strip();
  }

  /**
   * Runs git in {@code cwd} with a fixed identity; returns its output, fails on a non-zero exit.
   */
  static String git(Path cwd, String... args) throws IOException {
    List<String> argv =
        new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"));
    argv.addAll(List.of(args));
    Path out = Files.createTempFile("git-", ".out");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(argv)
              .directory(cwd.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
      pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + ": no exit within 120 s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", argv) + " failed in " + cwd + ": " + text);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
