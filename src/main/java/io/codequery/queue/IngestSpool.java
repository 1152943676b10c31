package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.hooks.CommitFiles;
import io.codequery.log.WorkerLog;
import io.codequery.pidfile.StrictFiles;
import io.codequery.project.RepoPath;
import io.codequery.project.SpoolCount;
import io.codequery.store.IngestOptions;
import io.codequery.store.Ingested;
import io.codequery.store.JobFile;
import io.codequery.store.JobStore;
import io.codequery.store.PathChange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves what the git hooks recorded in {@code .code-query/spool/} into the queue. A record names
 * commits; the files of each are listed here with git ({@link CommitFiles}: the one definition of a
 * commit's files), so the hook starts no process to record a commit.
 *
 * <p>Records, by name:
 *
 * <ul>
 *   <li>{@code *.rec}: lines {@code commit <id>[ <base>]}, then the line {@code end}. The hook
 *       writes it in place (created exclusively, never through a link; no rename), so a record is
 *       complete only once it ends with that line: one without it is still being written and left
 *       alone, and after {@link #PARTIAL_GRACE} (its writer died, or the disk filled) it is moved
 *       to {@code rejected/} with a logged reason.
 *   <li>{@code <commit>.commit} ({@code "<commit>[ <base>]\n"}) and {@code <commit>.files} ({@code
 *       <commit>NUL<file>NUL…}): written by hooks of earlier versions with one atomic rename, so
 *       complete on sight; still accepted. Their hidden temp files ({@code .tmp.*}) are swept like
 *       partial records.
 * </ul>
 *
 * <p>A record is removed only after its jobs are committed to the queue (at-least-once: a crash in
 * between enqueues it again, and duplicates collapse). One that cannot be read is moved to {@code
 * spool/rejected/} with a logged reason, never deleted. With {@code processing.mode} {@code manual}
 * records are dropped unqueued (logged once): the hook may record a commit before it knows the mode
 * (it reads no JSON), and the config decides here.
 */
public final class IngestSpool {
  static final String SUFFIX = SpoolCount.FILES_SUFFIX;
  static final String COMMIT_SUFFIX = SpoolCount.COMMIT_SUFFIX;
  static final String RECORD_SUFFIX = SpoolCount.RECORD_SUFFIX;
  static final String END_LINE = "end";

  /** How long a record without its end line may still be in the writing. */
  static final Duration PARTIAL_GRACE = Duration.ofMinutes(5);

  private static final Pattern COMMIT_RECORD =
      Pattern.compile("([0-9a-f]{7,64})(?: ([0-9a-f]{7,64}))?\n?");
  private static final Pattern RECORD_LINE =
      Pattern.compile("commit ([0-9a-f]{7,64})(?: ([0-9a-f]{7,64}))?");
  private static final long MAX_SPOOL_BYTES = 64L * 1024 * 1024;
  private static final long MAX_RECORD_BYTES = 4L * 1024 * 1024;

  private final Path spool;
  private final Path root;
  private final JobStore queue;
  private final WorkerLog log;
  private final boolean manualMode;
  private final Clock clock;
  private boolean manualLogged;

  /** Ingests in {@code auto} mode. */
  public IngestSpool(Path spool, JobStore queue, WorkerLog log) {
    this(spool, queue, log, "auto", Clock.systemUTC());
  }

  /**
   * @param mode {@code processing.mode}: {@code manual} drops records unqueued
   * @param clock tells how old a partial record is
   */
  public IngestSpool(Path spool, JobStore queue, WorkerLog log, String mode, Clock clock) {
    this.spool = spool;
    // spool is <root>/.code-query/spool: git runs in the project root to list a commit's files.
    this.root = spool.toAbsolutePath().getParent().getParent();
    this.queue = queue;
    this.log = log;
    this.manualMode = "manual".equals(mode);
    this.clock = clock;
  }

  /** Ingests every complete spool record; returns how many jobs were added. */
  public int run() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(
            spool, "{*" + SUFFIX + ",*" + COMMIT_SUFFIX + ",*" + RECORD_SUFFIX + ",.tmp.*}")) {
      ds.forEach(files::add);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      log.tryAppend("spool", "cannot list " + spool + ": " + e.getMessage());
      return 0;
    }
    files.sort(null);
    int added = 0;
    for (Path f : files) {
      added += ingest(f);
    }
    return added;
  }

  private int ingest(Path f) {
    String name = f.getFileName().toString();
    if (name.startsWith(".tmp.")) {
      sweepIfAbandoned(f, "a temp file of a hook that never renamed it");
      return 0;
    }
    if (manualMode) {
      return drop(f);
    }
    if (name.endsWith(RECORD_SUFFIX)) {
      return ingestRecord(f);
    }
    if (name.endsWith(COMMIT_SUFFIX)) {
      return ingestCommit(f);
    }
    return ingestFiles(f);
  }

  private int drop(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      log.tryAppend("spool", "cannot remove " + f + " (manual mode): " + e.getMessage());
      return 0;
    }
    if (!manualLogged) {
      manualLogged = true;
      log.tryAppend(
          "spool",
          "processing.mode is manual: commits recorded by the hook are dropped, not queued (logged"
              + " once; queue a commit with `code-query queue add <commit>`)");
    }
    return 0;
  }

  // ---------------------------------------------------------------- *.rec (the current hook)

  private int ingestRecord(Path f) {
    byte[] bytes;
    try {
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        reject(f, "not a regular file");
        return 0;
      }
      if (Files.size(f) > MAX_RECORD_BYTES) {
        reject(f, "larger than " + MAX_RECORD_BYTES + " bytes");
        return 0;
      }
      bytes = Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      return 0; // another consumer (queue process) took it
    } catch (IOException e) {
      log.tryAppend("spool", "cannot read " + f + ": " + e.getMessage() + "; will try again");
      return 0;
    }
    List<String> lines = parseRecord(bytes);
    if (lines == null) {
      sweepIfAbandoned(
          f, "incomplete: no \"end\" line (its hook was interrupted, or the disk was full)");
      return 0;
    }
    List<Matcher> commits = new ArrayList<>();
    for (String line : lines) {
      Matcher m = RECORD_LINE.matcher(line);
      if (!m.matches()) {
        reject(f, "expected lines \"commit <id>[ <base>]\" in hexadecimal, found: " + line);
        return 0;
      }
      commits.add(m);
    }
    int added = 0;
    List<String> failed = new ArrayList<>();
    for (Matcher m : commits) {
      CommitFiles.Listing listing;
      try {
        listing = CommitFiles.between(root, m.group(2), m.group(1));
      } catch (CodeQueryException e) {
        failed.add(m.group(1) + " (" + e.getMessage() + ")");
        continue;
      }
      // Not caught: a queue that cannot take the jobs now (full disk, locked, broken) must leave
      // the record where it is, to be taken again; moving it aside would lose the commit.
      added += enqueueListing(f, listing);
    }
    if (failed.isEmpty()) {
      remove(f);
    } else {
      reject(f, "could not list " + String.join(", ", failed));
    }
    return added;
  }

  /**
   * The lines of a complete record (its last line is {@code end}, newline-terminated), without that
   * line; null if the record is not complete (or not ASCII).
   */
  static List<String> parseRecord(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String terminator = END_LINE + "\n";
    if (!(text.equals(terminator) || text.endsWith("\n" + terminator))) {
      return null;
    }
    String body = text.substring(0, text.length() - terminator.length());
    if (body.isEmpty()) {
      return List.of();
    }
    return Arrays.asList(body.substring(0, body.length() - 1).split("\n", -1));
  }

  // ---------------------------------------------------------------- earlier hooks' records

  private int ingestFiles(Path f) {
    List<byte[]> parts;
    try {
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        reject(f, "not a regular file");
        return 0;
      }
      if (Files.size(f) > MAX_SPOOL_BYTES) {
        reject(f, "larger than " + MAX_SPOOL_BYTES + " bytes");
        return 0;
      }
      parts = split(Files.readAllBytes(f));
    } catch (NoSuchFileException e) {
      return 0; // another consumer (queue process) took it
    } catch (IOException e) {
      log.tryAppend("spool", "cannot read " + f + ": " + e.getMessage() + "; will try again");
      return 0;
    }
    if (parts.isEmpty()) {
      reject(f, "empty, or not NUL-terminated");
      return 0;
    }
    RepoPath commitField = RepoPath.ofBytes(parts.get(0));
    String commit = commitField.text().orElse(null);
    if (commit == null) {
      reject(f, "its commit id is not UTF-8 text");
      return 0;
    }
    try {
      JobPaths.checkCommit(commit);
    } catch (CodeQueryException e) {
      reject(f, e.getMessage());
      return 0;
    }
    List<JobFile> files = new ArrayList<>();
    for (byte[] name : parts.subList(1, parts.size())) {
      try {
        files.add(new JobFile(RepoPath.ofBytes(name), null));
      } catch (CodeQueryException e) {
        log.tryAppend(
            "spool",
            "skipped a file of commit "
                + commit
                + " in "
                + f.getFileName()
                + ": "
                + e.getMessage());
      }
    }
    int added = files.isEmpty() ? 0 : queue.enqueueFiles(commit, files);
    log.tryAppend(
        "spool", "queued " + added + " of " + files.size() + " file(s) of commit " + commit);
    remove(f);
    return added;
  }

  private int ingestCommit(Path f) {
    String text;
    try {
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > 256) {
        reject(f, "not a small regular file");
        return 0;
      }
      text = Files.readString(f, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      log.tryAppend("spool", "cannot read " + f + ": " + e.getMessage() + "; will try again");
      return 0;
    }
    Matcher m = COMMIT_RECORD.matcher(text);
    if (!m.matches()) {
      reject(f, "expected \"<commit>[ <base>]\" in hexadecimal");
      return 0;
    }
    CommitFiles.Listing listing;
    try {
      listing = CommitFiles.between(root, m.group(2), m.group(1));
    } catch (CodeQueryException e) {
      reject(f, e.getMessage());
      return 0;
    }
    int added = enqueueListing(f, listing);
    remove(f);
    return added;
  }

  // ---------------------------------------------------------------- shared

  /** Records one commit's changes in the store and logs one line for it. */
  private int enqueueListing(Path record, CommitFiles.Listing listing) {
    List<PathChange> changes =
        ListingChanges.of(
            listing,
            refused ->
                log.tryAppend(
                    "spool",
                    "skipped a file of commit "
                        + listing.commit()
                        + " in "
                        + record.getFileName()
                        + ": "
                        + refused));
    Ingested done =
        changes.isEmpty()
            ? Ingested.NOTHING
            : queue.ingest(listing.commit(), changes, IngestOptions.DEFAULT);
    log.tryAppend(
        "spool",
        "queued "
            + done.queued()
            + " of "
            + listing.documented().size()
            + " file(s) of commit "
            + listing.commit()
            + describe(done)
            + skippedKinds(listing));
    return done.queued();
  }

  /** What else ingesting did, for the log line; "" when nothing. */
  static String describe(Ingested done) {
    List<String> what = new ArrayList<>();
    if (done.moved() > 0) {
      what.add(done.moved() + " document(s) moved with a rename");
    }
    if (done.removed() > 0) {
      what.add(done.removed() + " document(s) removed (file deleted)");
    }
    if (done.superseded() > 0) {
      what.add(done.superseded() + " pending job(s) superseded");
    }
    return what.isEmpty() ? "" : "; " + String.join(", ", what);
  }

  /** The links and submodules of a listing, which are not documented; "" when none. */
  private static String skippedKinds(CommitFiles.Listing listing) {
    long gitlinks = listing.skipped(CommitFiles.Kind.GITLINK);
    long symlinks = listing.skipped(CommitFiles.Kind.SYMLINK);
    if (gitlinks + symlinks == 0) {
      return "";
    }
    List<String> what = new ArrayList<>();
    if (gitlinks > 0) {
      what.add(gitlinks + " submodule(s) (gitlinks: the submodule's own commits are its own)");
    }
    if (symlinks > 0) {
      what.add(symlinks + " symbolic link(s) (a link is not a file to document)");
    }
    return "; not documented: " + String.join(" and ", what);
  }

  private void remove(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      log.tryAppend(
          "spool",
          "enqueued but could not remove "
              + f
              + ": "
              + e.getMessage()
              + " (it will be enqueued again; duplicates collapse)");
    }
  }

  /** Moves {@code f} to rejected/ once it is older than the grace period; leaves it before. */
  private void sweepIfAbandoned(Path f, String reason) {
    try {
      long age =
          clock.millis() - Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis();
      if (age < PARTIAL_GRACE.toMillis()) {
        return; // a hook may be writing it right now
      }
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      log.tryAppend("spool", "cannot look at " + f + ": " + e.getMessage());
      return;
    }
    reject(f, reason + ", for more than " + PARTIAL_GRACE.toMinutes() + " minutes");
  }

  /**
   * NUL-separated fields as bytes; the last must be NUL-terminated, or the file is incomplete and
   * the result empty.
   */
  static List<byte[]> split(byte[] bytes) {
    List<byte[]> parts = new ArrayList<>();
    if (bytes.length == 0 || bytes[bytes.length - 1] != 0) {
      return parts;
    }
    int from = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        if (i > from) {
          parts.add(Arrays.copyOfRange(bytes, from, i));
        }
        from = i + 1;
      }
    }
    return parts;
  }

  private void reject(Path f, String reason) {
    Path rejected = spool.resolve("rejected");
    try {
      StrictFiles.ensureDirectory(rejected);
      Path target = rejected.resolve(f.getFileName());
      Files.move(f, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      log.tryAppend("spool", "moved unreadable spool file to " + target + ": " + reason);
    } catch (IOException e) {
      log.tryAppend(
          "spool",
          "unreadable spool file "
              + f
              + " ("
              + reason
              + ") could not be moved aside: "
              + e.getMessage());
    }
  }
}
