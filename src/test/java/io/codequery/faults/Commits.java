package io.codequery.faults;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Commits through the real {@code post-commit} hook, and the ledger the no-lost-job invariant is
 * checked against: every file committed, and the commits the hook could not record (full disk) and
 * told the user to queue by hand.
 */
final class Commits {
  private final Project project;
  private final Random rnd;
  private final Violations violations;
  private final RunFigures figures;
  private final Iteration iteration;

  /** commit → files, as committed through the hook. */
  private final Map<String, List<String>> committed = new LinkedHashMap<>();

  private final List<String> refusedByHook = new ArrayList<>();
  private int fileCounter;
  private String lastHookOutput = "";

  Commits(
      Project project, Random rnd, Violations violations, RunFigures figures, Iteration iteration) {
    this.project = project;
    this.rnd = rnd;
    this.violations = violations;
    this.figures = figures;
    this.iteration = iteration;
  }

  /** Commits {@code files} new files (some with a space and a non-ASCII letter in the name). */
  void commit(int files) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      names.add((rnd.nextInt(5) == 0 ? "doc ü " : "doc-") + (fileCounter++) + ".txt");
    }
    commitFiles(names);
  }

  /**
   * Commits one new file named {@code prefix}, a counter and {@code .txt} (the job script reads
   * what to do from the prefix, see {@link Project#JOB_SCRIPT}); returns its name and the commit.
   */
  Committed commitOne(String prefix) throws Exception {
    String name = prefix + (fileCounter++) + ".txt";
    return new Committed(commitFiles(List.of(name)), name, lastHookOutput);
  }

  /** A file committed through the hook, and what the hook said. */
  record Committed(String commit, String file, String hookSaid) {
    /** The job's name as health and the queue show it. */
    String job() {
      return commit + ":" + file;
    }
  }

  private String commitFiles(List<String> names) throws Exception {
    for (String name : names) {
      Files.writeString(
          project.root.resolve(name), "content " + fileCounter + " " + rnd.nextLong() + "\n");
    }
    project.git("add", "-A");
    Bounded.Result c = project.git("commit", "-q", "-m", "iteration " + iteration.number());
    violations.check(c.code() == 0, Invariant.HOOK_NEVER_FAILS_A_COMMIT, c.oneLine());
    lastHookOutput = c.out();
    String head = project.git("rev-parse", "HEAD").out().strip();
    committed.put(head, names);
    if (c.out().contains("could not record")) {
      refusedByHook.add(head);
      figures.note("hook refused to spool (disk full), said so");
    }
    return head;
  }

  int count() {
    return committed.size();
  }

  /** "commit file" for every file committed: each must be documented by the end of the run. */
  Set<String> expectedDocumented() {
    Set<String> expected = new HashSet<>();
    committed.forEach((c, files) -> files.forEach(f -> expected.add(c + " " + f)));
    return expected;
  }

  /** Commits the hook said it could not record, in order. */
  List<String> refusedByHook() {
    return List.copyOf(refusedByHook);
  }
}
