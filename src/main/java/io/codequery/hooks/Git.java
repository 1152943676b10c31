package io.codequery.hooks;

import io.codequery.CodeQueryException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code git} in a directory and returns its output; failures become clear exceptions. */
final class Git {
  private Git() {}

  record Result(int status, String out, String err) {}

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
      return new Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
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
