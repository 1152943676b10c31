package io.codequery.faults;

import io.codequery.testing.ClassDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The shared fixture of a run: everything the faults act on and the invariants look at, set up once
 * and reused by every iteration. Each part owns its state:
 *
 * <ul>
 *   <li>{@link #project}: the project under test and its files; {@link #commits}: what was
 *       committed through its hook;
 *   <li>{@link #workers}: its worker, driven and observed; {@link #bystanders}: the processes that
 *       must never be signalled; {@link #victims}: what hostile links point at;
 *   <li>{@link #disk}: the small file system on {@code .code-query/}; {@link #nobody}: the
 *       unprivileged caller;
 *   <li>{@link #rnd}: every random choice of the run (seeded); {@link #commands}: every command,
 *       bounded; {@link #violations}, {@link #figures}: what the summary reports; {@link
 *       #iteration}: what the current iteration owns.
 * </ul>
 *
 * Used by the run's own thread; only {@link #violations} and {@link #commands} are also used from
 * the command pool's threads.
 */
final class FaultFixture {
  final RunSettings settings;
  final RecordedRandom rnd;
  final Violations violations = new Violations();
  final Bounded commands = new Bounded(violations);
  final RunFigures figures = new RunFigures();
  final Iteration iteration = new Iteration();
  final Project project;
  final Commits commits;
  final Bystanders bystanders;
  final Victims victims;
  final SmallDisk disk;
  final UnprivilegedCaller nobody;
  final Invariants invariants;
  final Workers workers;

  /** Creates the run's scratch directory; {@link #setUp} creates the rest. */
  FaultFixture(RunSettings settings) throws IOException {
    this.settings = settings;
    this.rnd = new RecordedRandom(settings.seed());
    Path base = ClassDirs.worldReadableDir("cq-faults-");
    project = new Project(base, commands, iteration);
    commits = new Commits(project, rnd, violations, figures, iteration);
    bystanders = new Bystanders(project.root);
    victims = new Victims(base);
    disk = new SmallDisk(project.cq, base);
    nobody = new UnprivilegedCaller(commands);
    invariants =
        new Invariants(
            violations, project, bystanders, victims, iteration, commits, disk, commands, figures);
    workers = new Workers(project, bystanders, commands, violations, nobody, invariants);
  }

  /**
   * The project (a git repository with the hook installed) on its small file system, the other
   * project with its worker, the victims, the long-lived bystanders.
   */
  void setUp() throws Exception {
    project.createDirectories();
    disk.mount();
    project.initialise();
    bystanders.startOtherProject(project.base);
    victims.create();
    bystanders.startLongLived();
    System.out.println(
        "[faults] project "
            + project.root
            + " (.code-query on "
            + disk.how()
            + "), other project worker "
            + bystanders.otherWorker().pid());
  }

  /** Whether {@code kind} can be applied on this machine (some faults need root). */
  boolean canApply(FaultKind kind) {
    return switch (kind.needs) {
      case NOTHING -> true;
      case SMALL_DISK -> disk.mounted();
      case SETPRIV -> nobody.available();
    };
  }

  /** Undoes what a user would: hostile files at the worker's paths, frozen workers, a full disk. */
  void restore() throws Exception {
    disk.free();
    workers.live().ifPresent(w -> Os.signal(w, "CONT"));
    Path pidFile = project.pidFile();
    if (Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
      Project.deleteTree(pidFile);
    }
    Path spool = project.cq.resolve("spool");
    if (Files.isDirectory(spool.resolve("rejected"), LinkOption.NOFOLLOW_LINKS)) {
      Project.deleteTree(spool.resolve("rejected"));
    }
    if (Files.isDirectory(spool)) {
      try (Stream<Path> s = Files.list(spool)) {
        for (Path p : s.toList()) {
          if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            Project.deleteTree(p);
          }
        }
      }
    }
  }

  /** Stops every process the run started, unmounts, removes every file it created. */
  void tearDown() throws Exception {
    if (Files.isDirectory(project.root)) {
      commands.cli("worker", "stop", "--timeout", "5", "--project-root", project.root.toString());
      for (long w : workers.liveWorkers()) {
        ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    bystanders.close();
    disk.unmount();
    commands.close();
    nobody.close();
    Project.deleteTree(project.base);
  }
}
