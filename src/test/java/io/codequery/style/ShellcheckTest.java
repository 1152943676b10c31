package io.codequery.style;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.codequery.testing.RealWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shell scripts code-query ships — the git hook and the launcher — pass {@code shellcheck} with
 * no finding at any severity (a finding that is meant is disabled in the script, with a comment
 * saying why). Never skipped: without {@code shellcheck} on the PATH the test fails and says how to
 * install it ({@code .ci/run} does).
 */
class ShellcheckTest {
  private static final String INSTALL_HINT =
      "shellcheck is not installed; install it (Debian/Ubuntu: apt-get install shellcheck;"
          + " .ci/run does so) and run the tests again";

  @ParameterizedTest
  @ValueSource(strings = {"src/main/resources/io/codequery/hooks/post-commit.sh", "code-query"})
  void the_script_has_no_shellcheck_finding(String script) throws Exception {
    Path file = Path.of(script).toAbsolutePath();
    assertTrue(Files.isRegularFile(file), file + " is missing");
    Process p;
    try {
      // The dialect comes from the script's #!/bin/sh: POSIX sh, as the hook and launcher promise.
      p =
          new ProcessBuilder("shellcheck", "--severity=style", "--format=gcc", file.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      fail(INSTALL_HINT + " (" + e.getMessage() + ")");
      return;
    }
    CompletableFuture<String> out = RealWorker.drain(p);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "shellcheck did not finish within 120 s");
    assertEquals(
        0,
        p.exitValue(),
        "shellcheck findings in " + script + ":\n" + out.get(10, TimeUnit.SECONDS));
  }
}
