package io.codequery.faults;

import io.codequery.cli.Main;
import io.codequery.testing.RealWorker;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Runs every command of the suite under the "never a hang" bound, in-process ({@link Main#execute})
 * or as a separate process, and keeps the slowest. A command past the bound is a violation; so is a
 * refusal (non-zero exit) without a clear message.
 */
final class Bounded {
  static final Duration BOUND = Duration.ofSeconds(Long.getLong("faults.bound.seconds", 60));

  /** A stack trace or a bare exception name is not a message a user can act on. */
  private static final Pattern UNCLEAR =
      Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception in thread|^\\S*(Exception|Error)(: |$)");

  record Result(String what, int code, String out, String err, long millis) {
    String text() {
      return out + err;
    }

    String oneLine() {
      return what + " → " + code + ": " + text().strip().replace('\n', '|');
    }
  }

  private final Violations violations;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "faults-cli");
            t.setDaemon(true);
            return t;
          });
  private String slowest = "none";
  private long slowestMillis = -1;
  private long commands;

  Bounded(Violations violations) {
    this.violations = violations;
  }

  /** {@code code-query args} in this JVM. */
  Result cli(String... args) {
    return await(cliAsync(args), "code-query " + String.join(" ", args));
  }

  CompletableFuture<Result> cliAsync(String... args) {
    String what = "code-query " + String.join(" ", args);
    return CompletableFuture.supplyAsync(
        () -> {
          long t0 = System.nanoTime();
          StringWriter out = new StringWriter();
          StringWriter err = new StringWriter();
          int code;
          try {
            code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
          } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.write(trace.toString());
            code = -2;
          }
          return finish(
              new Result(
                  what,
                  code,
                  out.toString(),
                  err.toString(),
                  (System.nanoTime() - t0) / 1_000_000));
        },
        pool);
  }

  /**
   * {@code code-query args} in a separate JVM (the test class path), optionally wrapped (setpriv).
   */
  Result process(List<String> prefix, String... args) {
    return await(
        processAsync(prefix, args),
        String.join(" ", prefix) + " code-query " + String.join(" ", args));
  }

  CompletableFuture<Result> processAsync(List<String> prefix, String... args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(RealWorker.javaCommand());
    cmd.add("io.codequery.cli.Main");
    cmd.addAll(List.of(args));
    return command(
        cmd,
        (prefix.isEmpty() ? "" : "[" + prefix.get(0) + "] ")
            + "code-query(process) "
            + String.join(" ", args));
  }

  /** Any command line, bounded; stdout and stderr merged into out. */
  CompletableFuture<Result> command(List<String> cmd, String what) {
    return CompletableFuture.supplyAsync(
        () -> {
          long t0 = System.nanoTime();
          try {
            Process p =
                new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .directory(new File("/tmp"))
                    .start();
            CompletableFuture<String> out = RealWorker.drain(p);
            if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
              p.destroyForcibly();
              p.waitFor(10, TimeUnit.SECONDS);
              violations.add(
                  Invariant.NO_HANG,
                  what + " did not return within " + BOUND.toSeconds() + " s (killed)");
              return finish(
                  new Result(what, -1, out.getNow(""), "", (System.nanoTime() - t0) / 1_000_000));
            }
            return finish(
                new Result(
                    what,
                    p.exitValue(),
                    out.get(10, TimeUnit.SECONDS),
                    "",
                    (System.nanoTime() - t0) / 1_000_000));
          } catch (IOException | ExecutionException | TimeoutException e) {
            return finish(
                new Result(what, -3, "", "cannot run: " + e, (System.nanoTime() - t0) / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(what, -3, "", "interrupted", 0);
          }
        },
        pool);
  }

  /** Waits within the bound (plus a margin for a process's own bound); a later answer is a hang. */
  Result await(CompletableFuture<Result> f, String what) {
    try {
      return f.get(BOUND.toSeconds() + 15, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      violations.add(
          Invariant.NO_HANG, what + " did not return within " + BOUND.toSeconds() + " s");
      return new Result(what, -1, "", "hung", BOUND.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what, e.getCause());
    }
  }

  private synchronized Result finish(Result r) {
    commands++;
    if (r.millis() > slowestMillis) {
      slowestMillis = r.millis();
      slowest = r.what();
    }
    if (r.code() != 0 && r.code() != 3 && r.code() != -1) {
      // Status 1/4 (stale, invalid, unknown) and every refusal must say why, in words.
      String text = r.text().strip();
      violations.check(
          !text.isEmpty() && !UNCLEAR.matcher(text).find(),
          Invariant.CLEAR_REFUSAL,
          "exit " + r.code() + " without a clear message: " + r.oneLine());
    }
    return r;
  }

  synchronized String slowest() {
    return slowest + " (" + slowestMillis + " ms)";
  }

  synchronized long commands() {
    return commands;
  }

  void close() {
    pool.shutdownNow();
  }
}
