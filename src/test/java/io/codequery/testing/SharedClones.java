package io.codequery.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts sharing one repository, for tests: a bare "remote" (one commit on {@code main}) and clones
 * of it standing for the checkouts of different hosts, all real git in a temp dir.
 */
public final class SharedClones {
  private final Path dir;
  private final Path remote;

  private SharedClones(Path dir) {
    this.dir = dir;
    this.remote = dir.resolve("remote.git");
  }

  /** A bare remote in {@code dir} holding one commit on {@code main}. */
  public static SharedClones create(Path dir) throws IOException {
    Files.createDirectories(dir);
    SharedClones c = new SharedClones(dir);
    git(dir, "init", "-q", "--bare", "-b", "main", c.remote.toString());
    Path seed = c.cloneAs("seed");
    commitFile(seed, "README", "shared\n");
    git(seed, "push", "-q", "origin", "main");
    return c;
  }

  /** The bare remote's directory. */
  public Path remote() {
    return remote;
  }

  /** A new clone of the remote as it is now, tracking {@code main}. */
  public Path cloneAs(String name) throws IOException {
    Path clone = dir.resolve(name);
    git(dir, "clone", "-q", remote.toString(), clone.toString());
    git(clone, "config", "user.name", "Test");
    git(clone, "config", "user.email", "test@example.invalid");
    return clone.toRealPath();
  }

  /** Writes {@code file} in {@code clone} and commits it; returns the commit id. */
  public static String commitFile(Path clone, String file, String content) throws IOException {
    Path f = clone.resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    git(clone, "add", "--", file);
    git(clone, "commit", "-q", "-m", "add " + file);
    return git(clone, "rev-parse", "HEAD").strip();
  }

  /** The blob id of {@code file} at {@code commit}. */
  public static String blobOf(Path clone, String commit, String file) throws IOException {
    return git(clone, "rev-parse", commit + ":" + file).strip();
  }

  /** Whether {@code clone}'s object store holds {@code objectId}. */
  public static boolean holds(Path clone, String objectId) throws IOException {
    return run(clone, List.of("git", "cat-file", "-e", objectId)) == 0;
  }

  /** Runs git in {@code cwd}; its stdout, or an exception with what it said. */
  public static String git(Path cwd, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("git-out", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(cwd.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile());
      int status = waitFor(pb.start(), cmd);
      String said = Files.readString(out, StandardCharsets.UTF_8);
      if (status != 0) {
        throw new IOException(
            String.join(" ", cmd) + " in " + cwd + " exited " + status + ": " + said);
      }
      return said;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static int run(Path cwd, List<String> cmd) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    return waitFor(pb.start(), cmd);
  }

  private static int waitFor(Process p, List<String> cmd) throws IOException {
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + cmd);
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + cmd, e);
    }
  }
}
