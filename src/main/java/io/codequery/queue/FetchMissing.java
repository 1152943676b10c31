package io.codequery.queue;

import io.codequery.hooks.GitFetch;
import io.codequery.hooks.GitObjects;
import io.codequery.log.WorkerLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Brings a job's blob into this clone when another host made its commit (a shared store hands any
 * host any job): {@code git fetch} from the checkout's remote ({@link GitFetch#remoteOf}), then a
 * second look. One per worker (its {@link JobRunner}), shared by its job slots.
 *
 * <p>No fetch storms: at most one fetch runs at a time (a slot that finds another fetching waits
 * for it and looks again — that fetch may have brought its blob too), and a commit is fetched for
 * at most once per {@link #RETRY_AFTER}: the jobs of a commit the remote does not have either are
 * released for that long ({@link JobOutcome.NotHere}) and come back when one more fetch is due.
 * What to do about such a commit is logged once per commit, not once per job (a backfill of an
 * unpushed commit is thousands of jobs, back every 30 s).
 */
final class FetchMissing {
  /**
   * How long a job whose commit is not here waits before it is claimable again, and how often one
   * commit is fetched for at most: long enough that a host without the commit does not spin on its
   * jobs, short enough that a push is picked up within half a minute.
   */
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  /** Commits remembered (last fetch, already told): bounded, the oldest forgotten first. */
  private static final int REMEMBERED = 4096;

  private final Path root;
  private final Duration interval;
  private final WorkerLog log;
  private final ReentrantLock inFlight = new ReentrantLock();
  private final Map<String, Long> lastFetchNanos = bounded();
  private final Map<String, Boolean> told = bounded();

  /**
   * @param root the clone (the project root in its real form)
   * @param interval at most one fetch per commit this often
   */
  FetchMissing(Path root, Duration interval, WorkerLog log) {
    this.root = root;
    this.interval = interval;
    this.log = log;
  }

  /** What a second look found. */
  sealed interface Look {
    /** The object is in this clone now. */
    record Here() implements Look {}

    /** Still not here; {@code reason} says why (no remote, the fetch failed, or fetched lately). */
    record NotHere(String reason) implements Look {}

    /** The caller's {@code abandon} said stop while it waited or fetched. */
    record Stopped() implements Look {}
  }

  /**
   * Called when {@code objectId}, needed by a job of {@code commit}, is not in this clone: fetches
   * (unless another fetch is running — then waits for it — or this commit was fetched for within
   * the interval) and looks again.
   */
  Look fetchFor(String commit, String objectId, BooleanSupplier abandon) {
    try {
      while (!inFlight.tryLock(100, TimeUnit.MILLISECONDS)) {
        if (abandon.getAsBoolean()) {
          return new Look.Stopped();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Look.Stopped();
    }
    try {
      if (!GitObjects.isAbsent(root, objectId)) {
        return new Look.Here(); // the fetch this slot waited for brought it
      }
      Optional<String> remote = GitFetch.remoteOf(root);
      if (remote.isEmpty()) {
        return notHere(
            commit,
            "this clone has no remote to fetch it from",
            "add a remote that has it (git remote add origin <url>) or run the worker of the"
                + " clone that made it");
      }
      long now = System.nanoTime();
      Long last = lastFetchNanos(commit);
      if (last != null && now - last < interval.toNanos()) {
        return notHere(
            commit,
            "fetched from "
                + remote.get()
                + " "
                + TimeUnit.NANOSECONDS.toSeconds(now - last)
                + " s ago; not again before "
                + interval.toSeconds()
                + " s",
            whatToDo(remote.get()));
      }
      remember(commit, now);
      GitFetch.Fetched fetched = GitFetch.fetch(root, remote.get(), abandon);
      if (abandon.getAsBoolean()) {
        return new Look.Stopped();
      }
      if (fetched instanceof GitFetch.Fetched.Failed f) {
        log.tryAppend("queue", "fetch for commit " + commit + " failed: " + f.reason());
        return notHere(commit, f.reason(), whatToDo(remote.get()));
      }
      boolean absent = GitObjects.isAbsent(root, objectId);
      log.tryAppend(
          "queue",
          "fetched "
              + remote.get()
              + " in "
              + ((GitFetch.Fetched.Done) fetched).durationMs()
              + " ms for commit "
              + commit
              + (absent ? "; it is not there either" : ""));
      return absent
          ? notHere(commit, remote.get() + " does not have it", whatToDo(remote.get()))
          : new Look.Here();
    } finally {
      inFlight.unlock();
    }
  }

  private static String whatToDo(String remote) {
    return "push it to "
        + remote
        + " from the clone that made it (git push "
        + remote
        + " <branch>), or add the remote that has it (git remote add <name> <url>)";
  }

  /** Not here; the first time for {@code commit}, says in the log what to do about it. */
  private Look notHere(String commit, String why, String whatToDo) {
    boolean first;
    synchronized (told) {
      first = told.put(commit, Boolean.TRUE) == null;
    }
    if (first) {
      log.tryAppend(
          "queue",
          "commit "
              + commit
              + " is not in this clone ("
              + why
              + "): to run its jobs here, "
              + whatToDo
              + " (on a shared store they wait for a host that has it, and are tried here again"
              + " every "
              + RETRY_AFTER.toSeconds()
              + " s; on the project's own store they fail)");
    }
    return new Look.NotHere(why);
  }

  private Long lastFetchNanos(String commit) {
    synchronized (lastFetchNanos) {
      return lastFetchNanos.get(commit);
    }
  }

  private void remember(String commit, long nanos) {
    synchronized (lastFetchNanos) {
      lastFetchNanos.put(commit, nanos);
    }
  }

  private static <V> Map<String, V> bounded() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }
}
