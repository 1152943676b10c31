package io.codequery.faults;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.codequery.cli.Main;
import io.codequery.heartbeat.Heartbeat;
import io.codequery.hooks.HooksInstaller;
import io.codequery.process.WorkerIdentity;
import io.codequery.queue.JobQueue;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.testing.RealWorker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The project under test and its files: a git repository with the hook installed, a config with a
 * one-second heartbeat and a documentation command that takes 0.2 s (so that jobs can be caught
 * mid-run; longer, or leaving a grandchild, for files named so, see {@link #JOB_SCRIPT}) and writes
 * a ledger of its runs ({@link #jobRuns}), and {@code .code-query/} (a small file system of its
 * own, see {@link SmallDisk}). Reads and writes the worker's files the way a third party would,
 * never through the code under test.
 */
final class Project {
  /** The run's scratch directory: this project, the other project, the victims, the launcher. */
  final Path base;

  final Path root;
  final Path cq;

  /**
   * The ledger the documentation command appends to, outside {@code .code-query/} (which fills up):
   * the ground truth of which job commands ran (see {@link #JOB_SCRIPT}).
   */
  final Path jobRuns;

  private final Path launcher;
  private final Bounded commands;
  private final Iteration iteration;

  Project(Path base, Bounded commands, Iteration iteration) throws IOException {
    this.base = base;
    this.root = base.toRealPath().resolve("project");
    this.cq = root.resolve(".code-query");
    this.launcher = base.resolve("code-query");
    this.jobRuns = base.resolve("job-runs.log");
    this.commands = commands;
    this.iteration = iteration;
  }

  /** The project's directories, before {@code .code-query/} gets a file system of its own. */
  void createDirectories() throws IOException {
    Files.createDirectory(root);
    Files.createDirectory(cq);
  }

  /** Config, git repository with one commit, a launcher of this class path, the hook. */
  void initialise() throws IOException {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(cq, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(cq.resolve("config.json"), config());
    commands.await(
        commands.command(List.of("git", "init", "-q", "-b", "main", root.toString()), "git init"),
        "git init");
    Files.writeString(root.resolve(".gitignore"), ".code-query/\n");
    git("add", "-A");
    git("commit", "-q", "-m", "initial");
    Files.writeString(
        launcher,
        "#!/bin/sh\nexec "
            + String.join(
                " ",
                RealWorker.javaCommand().stream()
                    .map(s -> "'" + s.replace("'", "'\\''") + "'")
                    .toList())
            + " "
            + Main.class.getName()
            + " \"$@\"\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    new HooksInstaller(root, launcher).install();
  }

  /**
   * The documentation command, run by {@code sh} with the file as {@code $1} and the ledger as
   * {@code $2}; builtins only on the common path. Every run appends {@code ran <name>}. By the
   * file's name:
   *
   * <ul>
   *   <li>{@code slow-<seconds>-…}: a long job ({@code slow <name> <shell PID>} at its start,
   *       {@code slowdone <name>} at its end);
   *   <li>{@code orphan-…}: first checks whether any process of an earlier run of this file still
   *       lives ({@code overlap <name> <pid>}: the job runs twice at once), then records its shell,
   *       a background {@code sleep 60} (a grandchild that outlives the shell) and a {@code sleep
   *       2} it waits for ({@code pid <name> <pid>}), then {@code started <name> <shell PID>};
   *   <li>anything else: 0.2 s, so that jobs can be caught mid-run.
   * </ul>
   */
  static final String JOB_SCRIPT =
      String.join(
          "\n",
          "f=$1; l=$2; n=${f##*/}",
          "echo \"ran $n\" >> \"$l\"",
          "case $n in",
          "  slow-*)",
          "    s=${n#slow-}; echo \"slow $n $$\" >> \"$l\"",
          "    sleep \"${s%%-*}\"; echo \"slowdone $n\" >> \"$l\" ;;",
          "  orphan-*)",
          "    while read -r k m p; do",
          "      [ \"$k\" = pid ] && [ \"$m\" = \"$n\" ] || continue",
          "      st=; { read -r st < \"/proc/$p/stat\"; } 2>/dev/null",
          "      case $st in '' | *') Z '* | *') X '* | *') x '*) ;;"
              + " *) echo \"overlap $n $p\" >> \"$l\" ;; esac",
          "    done < \"$l\"",
          "    echo \"pid $n $$\" >> \"$l\"",
          "    sleep 60 & echo \"pid $n $!\" >> \"$l\"",
          "    sleep 2 & echo \"pid $n $!\" >> \"$l\"",
          "    echo \"started $n $$\" >> \"$l\"",
          "    wait $! ;;",
          "  *) sleep 0.2 ;;",
          "esac",
          "wc -c < \"$f\"");

  /** The project's config: heartbeat 1 s, stop timeout 5 s, retries after 1 s, the job script. */
  String config() {
    JsonObject processing = new JsonObject();
    processing.addProperty("heartbeat_seconds", 1);
    processing.addProperty("stop_timeout_seconds", 5);
    processing.addProperty("retry_delay_seconds", 1);
    processing.addProperty("fallback", "queue");
    JsonArray command = new JsonArray();
    for (String arg : List.of("sh", "-c", JOB_SCRIPT, "doc", "{file}", jobRuns.toString())) {
      command.add(arg);
    }
    processing.add("command", command);
    JsonObject config = new JsonObject();
    config.add("processing", processing);
    return config.toString();
  }

  /** The ledger's lines (empty before the first job). */
  List<String> jobRuns() {
    try {
      return Files.readAllLines(jobRuns, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** How many job commands have run so far. */
  long jobCommandsRun() {
    return jobRuns().stream().filter(l -> l.startsWith("ran ")).count();
  }

  Path pidFile() {
    return cq.resolve("worker.pid");
  }

  Path hookPath() {
    return root.resolve(".git/hooks/post-commit");
  }

  /** {@code git -C root args}, as user Faults, bounded; stdout and stderr merged. */
  Bounded.Result git(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "git",
                "-C",
                root.toString(),
                "-c",
                "user.name=Faults",
                "-c",
                "user.email=faults@example.invalid"));
    cmd.addAll(List.of(args));
    return commands.await(commands.command(cmd, "git " + args[0]), "git " + args[0]);
  }

  /** {@code worker.pid} is a regular file holding exactly {@code pid} and a newline. */
  boolean pidFileNames(long pid) {
    try {
      Path f = pidFile();
      return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
          && Files.size(f) < 64
          && Files.readString(f, StandardCharsets.ISO_8859_1).equals(pid + "\n");
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code worker.identity} is a regular file holding a complete record of {@code pid}. */
  boolean identityNames(long pid) {
    try {
      Path f = cq.resolve("worker.identity");
      return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
          && WorkerIdentity.parse(Files.readString(f, StandardCharsets.UTF_8))
              .map(i -> i.pid() == pid)
              .orElse(false);
    } catch (IOException e) {
      return false;
    }
  }

  /** The time of {@code pid}'s last heartbeat record; empty if there is none of it. */
  Optional<Long> heartbeatMillis(long pid) {
    try {
      Path f = cq.resolve("worker.heartbeat");
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > 4096) {
        return Optional.empty();
      }
      return Heartbeat.parse(Files.readString(f, StandardCharsets.UTF_8))
          .filter(h -> h.pid() == pid)
          .map(Heartbeat::timeMillis);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Replaces {@code worker.pid} (whatever it is) with a regular file of {@code content}. */
  void writePidFile(byte[] content) throws IOException {
    iteration.pidFileTampered();
    Path f = pidFile();
    if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(f);
    }
    Files.write(
        f,
        content,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        LinkOption.NOFOLLOW_LINKS);
  }

  void writeIdentity(WorkerIdentity id) throws IOException {
    Files.write(
        cq.resolve("worker.identity"),
        id.format(),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        LinkOption.NOFOLLOW_LINKS);
  }

  /** Removes the identity record, unless a live worker owns it. */
  void removeIdentityUnlessLive(Optional<Long> live) throws IOException {
    if (live.isEmpty()) {
      Files.deleteIfExists(cq.resolve("worker.identity"));
    }
  }

  long logSize() {
    try {
      return Files.size(cq.resolve("worker.log"));
    } catch (IOException e) {
      return 0;
    }
  }

  /** The worker's log from {@code offset} on (at most 4 MiB); empty if there is none. */
  String logSince(long offset) {
    try (SeekableByteChannel ch = Files.newByteChannel(cq.resolve("worker.log"))) {
      long size = ch.size();
      if (size <= offset) {
        return "";
      }
      ch.position(offset);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 4 * 1024 * 1024));
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // read all
      }
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Jobs in {@code state}; 0 while there is no queue or it cannot be read. */
  long jobs(JobState state) {
    if (!Files.exists(cq.resolve("queue.db"))) {
      return 0;
    }
    try (JobQueue q =
        JobQueue.open(cq.resolve("queue.db"), 2, Duration.ofSeconds(1), Clock.systemUTC())) {
      return q.counts().getOrDefault(state, 0L);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** "commit file" of every job done; empty while the queue is busy (ask again). */
  Set<String> documented() {
    Set<String> out = new HashSet<>();
    if (!Files.exists(cq.resolve("queue.db"))) {
      return out;
    }
    try (JobQueue q =
        JobQueue.open(cq.resolve("queue.db"), 2, Duration.ofSeconds(1), Clock.systemUTC())) {
      for (Job j : q.list(Optional.of(JobState.DONE), 1_000_000)) {
        out.add(j.commit() + " " + j.file());
      }
    } catch (RuntimeException e) {
      // busy: ask again
    }
    return out;
  }

  /** The job {@code commit:file} as the queue holds it; empty while there is none or it is busy. */
  Optional<Job> job(String describe) {
    if (!Files.exists(cq.resolve("queue.db"), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (JobQueue q =
        JobQueue.open(cq.resolve("queue.db"), 2, Duration.ofSeconds(1), Clock.systemUTC())) {
      return q.list(Optional.empty(), 1_000_000).stream()
          .filter(j -> j.describe().equals(describe))
          .findFirst();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Removes {@code p}, and everything under it if it is a directory; never follows a link. */
  static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      }
    } else {
      Files.deleteIfExists(p);
    }
  }
}
