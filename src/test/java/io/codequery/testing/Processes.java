package io.codequery.testing;

import io.codequery.cli.Main;
import io.codequery.os.ProcPath;
import io.codequery.process.WorkerMarker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Live stranger processes for tests: plain {@code sleep}, and processes with forged argv. */
public final class Processes {
  private static final String MAIN = Main.class.getName();

  private Processes() {}

  /** {@code sleep 1000}: alive, and certainly not a worker. */
  public static Process sleep() throws IOException {
    Process p = new ProcessBuilder("sleep", "1000").start();
    awaitArgv0(p, "sleep");
    return p;
  }

  /**
   * A process whose command line mimics a worker of {@code root}: argv[0] is "java" (via {@code
   * exec -a}) and the worker marker for {@code root} is among its arguments.
   */
  public static Process forgedWorker(String root) throws IOException {
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "exec -a java /usr/bin/python3 -c 'import time; time.sleep(1000)' \"$1\""
                    + " "
                    + MAIN
                    + " worker run",
                "forger",
                "-Dcode-query.worker=" + root)
            .start();
    awaitArgv0(p, "java");
    return p;
  }

  /**
   * A process holding a lock on {@code file} (created if missing) until killed: an {@code fcntl}
   * (POSIX record) write lock over the whole file, as the worker holds {@code worker.lock}, or with
   * {@code flock}, a {@code flock(2)} lock, which is another kind. Returns once the lock is held.
   */
  public static Process lockHolder(Path file, boolean flock) throws IOException {
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import fcntl, sys, time\n"
                    + "f = open(sys.argv[1], 'a')\n"
                    + (flock
                        ? "fcntl.flock(f, fcntl.LOCK_EX)\n"
                        : "fcntl.lockf(f, fcntl.LOCK_EX)\n")
                    + "print('locked', flush=True)\n"
                    + "time.sleep(1000)\n",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String line =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (!"locked".equals(line)) {
      p.destroyForcibly();
      throw new IOException("could not lock " + file + ": " + line);
    }
    return p;
  }

  /** Waits until {@code p} has exec'd into its final program (its argv[0] reads {@code name}). */
  public static void awaitArgv0(Process p, String name) throws IOException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        List<String> argv = cmdline(p.pid());
        if (!argv.isEmpty() && argv.get(0).equals(name)) {
          return;
        }
      } catch (IOException e) {
        // between fork and exec, or gone: look again
      }
      if (!p.isAlive()) {
        throw new IOException("process " + p.pid() + " exited before exec'ing " + name);
      }
      Thread.onSpinWait();
    }
    throw new IOException("process " + p.pid() + " did not exec " + name + " within 30 s");
  }

  /**
   * Freezes {@code pid} with SIGSTOP and waits until every one of its threads has stopped: kill(2)
   * returns before a thread running on another CPU has taken the signal, and for that moment it can
   * still act.
   */
  public static void freeze(long pid) throws IOException, InterruptedException {
    signal(pid, "STOP");
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      boolean allStopped = true;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
        for (Path task : ds) {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.ISO_8859_1);
          char state = stat.charAt(stat.lastIndexOf(')') + 2);
          allStopped &= state == 'T' || state == 't';
        }
      } catch (NoSuchFileException e) {
        return; // a thread ended meanwhile, or the process: nothing left to act
      }
      if (allStopped) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("process " + pid + " did not stop within 10 s of SIGSTOP");
      }
      Thread.sleep(1);
    }
  }

  /** Kills and reaps. */
  /**
   * Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) to {@code pid} with kill(1) and waits
   * for it to be delivered.
   */
  public static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed");
    }
  }

  public static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  public static List<String> cmdline(long pid) throws IOException {
    return List.of(
        new String(Files.readAllBytes(ProcPath.cmdline((int) pid)), StandardCharsets.UTF_8)
            .split("\0"));
  }

  /** The processes whose command line holds the worker marker of {@code root}. */
  public static List<ProcessHandle> workersOf(Path root) {
    String marker = WorkerMarker.forRoot(root.toString());
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              try {
                if (cmdline(p.pid()).contains(marker)) {
                  found.add(p);
                }
              } catch (IOException e) {
                // gone, or not ours to read
              }
            });
    return found;
  }
}
