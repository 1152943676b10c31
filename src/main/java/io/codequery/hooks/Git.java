package io.codequery.hooks;

import io.codequery.CodeQueryException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code git} in a directory and returns its output; failures become clear exceptions. */
final class Git {
  private Git() {}

  /** What git did: its exit status, its output as bytes (names in it need not be UTF-8), stderr. */
  record Result(int status, byte[] stdout, String err) {
    /** The output as UTF-8 text (for ids and other ASCII answers). */
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  static Result run(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      byte[] out;
      byte[] err;
      try (InputStream o = p.getInputStream();
          InputStream e = p.getErrorStream()) {
        out = o.readAllBytes();
        err = e.readAllBytes();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new CodeQueryException(
            "git " + String.join(" ", args) + " did not finish within 60 s in " + dir);
      }
      return new Result(p.exitValue(), out, new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CodeQueryException(
          "cannot run git in " + dir + ": " + e.getMessage() + ". Is git installed and on PATH?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodeQueryException("interrupted while running git", e);
    }
  }

  /**
   * Runs git with its standard output written to {@code out} (which must exist: the caller creates
   * it with the mode it wants); returns the status and stderr ({@code stdout} empty).
   */
  static Result runToFile(Path dir, Path out, Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
              .start();
      byte[] err;
      try (InputStream e = p.getErrorStream()) {
        err = e.readNBytes(64 * 1024);
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new CodeQueryException(
            "git "
                + String.join(" ", args)
                + " did not finish within "
                + timeout.toSeconds()
                + " s in "
                + dir);
      }
      return new Result(p.exitValue(), new byte[0], new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CodeQueryException(
          "cannot run git in " + dir + ": " + e.getMessage() + ". Is git installed and on PATH?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodeQueryException("interrupted while running git", e);
    }
  }

  /** The one-line output of a git query that must succeed. */
  static String query(Path dir, String... args) {
    Result r = run(dir, args);
    if (r.status() != 0) {
      throw new CodeQueryException(
          dir + ": git " + String.join(" ", args) + " failed: " + r.err().strip());
    }
    return r.out().strip();
  }
}
