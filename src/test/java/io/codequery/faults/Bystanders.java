package io.codequery.faults;

import io.codequery.cli.Main;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Processes the run must never signal. Three live for the whole run: a {@code sleep}, a process
 * whose argv forges this project's worker marker, and a second project's real worker. The strangers
 * belong to the current iteration (the process a reused or recycled PID now names): they are
 * watched like the others, then killed when the iteration ends. Forged processes are also kept
 * apart from the ground truth's real workers ({@link Os#liveWorkers}).
 */
final class Bystanders {
  private final Path root;
  private final List<Process> longLived = new ArrayList<>();
  private final List<Process> strangers = new ArrayList<>();

  private final Set<Long> forged = ConcurrentHashMap.newKeySet();

  private Path otherRoot;
  private RealWorker otherWorker;

  /** Bystanders of the project at {@code root}, whose worker marker the forgers carry. */
  Bystanders(Path root) {
    this.root = root;
  }

  /** A second project beside {@code base}'s, with its own live worker. */
  void startOtherProject(Path base) throws IOException {
    otherRoot = Files.createDirectory(base.resolve("other-project")).toRealPath();
    Files.createDirectory(otherRoot.resolve(".code-query"));
    Files.writeString(
        otherRoot.resolve(".code-query/config.json"),
        "{\"processing\": {\"heartbeat_seconds\": 1}}");
    otherWorker = RealWorker.start(otherRoot);
  }

  /** The {@code sleep} and the forger that live as long as the run. */
  void startLongLived() throws IOException {
    // They must outlive the longest run: the 1000 s of Processes.sleep() would end mid-run.
    Process sleep = new ProcessBuilder("sleep", "1000000").start();
    Processes.awaitArgv0(sleep, "sleep");
    longLived.add(sleep);
    Process f = spawnForger();
    forged(f);
    Processes.awaitArgv0(f, "java");
    longLived.add(f);
  }

  /**
   * A process whose argv carries this project's worker marker: argv[0] is "java" (a python sleep
   * under {@code exec -a}). The caller registers it with {@link #forged} and waits for its exec.
   */
  Process spawnForger() throws IOException {
    return new ProcessBuilder(
            "bash",
            "-c",
            "exec -a java /usr/bin/python3 -c 'import time; time.sleep(1000000)' \"$1\""
                + " "
                + Main.class.getName()
                + " worker run",
            "forger",
            "-Dcode-query.worker=" + root)
        .start();
  }

  /** {@code p} forges the worker marker: it is never one of this project's workers. */
  void forged(Process p) {
    forged.add(p.pid());
  }

  /** The live set of forged PIDs, for the ground truth. */
  Set<Long> forgedPids() {
    return forged;
  }

  /** A stranger of the current iteration. */
  void stranger(Process p) {
    strangers.add(p);
  }

  /** Kills the current iteration's strangers. */
  void releaseStrangers() throws InterruptedException {
    for (Process p : strangers) {
      Processes.kill(p);
      forged.remove(p.pid());
    }
    strangers.clear();
  }

  /**
   * Every process that must be alive and not stopped after an iteration, the other worker aside.
   */
  List<Process> watched() {
    List<Process> watched = new ArrayList<>(longLived);
    watched.addAll(strangers);
    return watched;
  }

  /** {@code pid} is a process that must never be taken for this project's worker. */
  boolean isStranger(long pid) {
    return strangers.stream().anyMatch(p -> p.pid() == pid)
        || longLived.stream().anyMatch(p -> p.pid() == pid)
        || pid == otherWorker.pid()
        || forged.contains(pid);
  }

  Path otherRoot() {
    return otherRoot;
  }

  RealWorker otherWorker() {
    return otherWorker;
  }

  void close() throws InterruptedException {
    if (otherWorker != null) {
      otherWorker.close();
    }
    for (Process p : longLived) {
      Processes.kill(p);
    }
    for (Process p : strangers) {
      Processes.kill(p);
    }
  }
}
