package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.hooks.CommitFiles;
import io.codequery.log.WorkerLog;
import io.codequery.pidfile.StrictFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves what the git hook recorded in {@code .code-query/spool/} into the queue. The hook writes
 * {@code <commit>.commit} ({@code "<commit>[ <base>]\n"}: the worker lists the files with git, so
 * the hook starts as few processes as it can); {@code <commit>.files} ({@code
 * <commit>NUL<file>NUL…}) holds a list made elsewhere. Both are written with one atomic rename. It
 * is removed only after its jobs are committed to the queue (at-least-once: a crash in between
 * enqueues it again, and duplicates collapse). A file that cannot be parsed is moved to {@code
 * spool/rejected/} with a logged reason, never deleted.
 */
public final class IngestSpool {
  static final String SUFFIX = ".files";
  static final String COMMIT_SUFFIX = ".commit";
  private static final Pattern COMMIT_RECORD =
      Pattern.compile("([0-9a-f]{7,64})(?: ([0-9a-f]{7,64}))?\n?");
  private static final long MAX_SPOOL_BYTES = 64L * 1024 * 1024;

  private final Path spool;
  private final Path root;
  private final JobQueue queue;
  private final WorkerLog log;

  public IngestSpool(Path spool, JobQueue queue, WorkerLog log) {
    this.spool = spool;
    // spool is <root>/.code-query/spool: git runs in the project root to list a commit's files.
    this.root = spool.toAbsolutePath().getParent().getParent();
    this.queue = queue;
    this.log = log;
  }

  /** Ingests every complete spool file; returns how many jobs were added. */
  public int run() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(spool, "*{" + SUFFIX + "," + COMMIT_SUFFIX + "}")) {
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
    if (f.getFileName().toString().endsWith(COMMIT_SUFFIX)) {
      return ingestCommit(f);
    }
    List<String> parts;
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
    String commit = parts.get(0);
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
    List<String> files = new ArrayList<>();
    for (String file : parts.subList(1, parts.size())) {
      if (file == null) {
        log.tryAppend(
            "spool",
            "skipped a file of commit "
                + commit
                + " whose name is not UTF-8 ("
                + f.getFileName()
                + ")");
      } else {
        files.add(file);
      }
    }
    return enqueueAndRemove(f, commit, files);
  }

  private int enqueueAndRemove(Path f, String commit, List<String> candidates) {
    List<String> files = new ArrayList<>();
    for (String file : candidates) {
      try {
        files.add(JobPaths.checkFile(file));
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
    int added = files.isEmpty() ? 0 : queue.enqueue(commit, files);
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
    log.tryAppend(
        "spool", "queued " + added + " of " + files.size() + " file(s) of commit " + commit);
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
    CommitFiles.Listed listed;
    try {
      listed = CommitFiles.between(root, m.group(2), m.group(1));
    } catch (CodeQueryException e) {
      reject(f, e.getMessage());
      return 0;
    }
    return enqueueAndRemove(f, listed.commit(), listed.files());
  }

  /**
   * NUL-separated UTF-8 fields (null for a field that is not UTF-8); the last must be
   * NUL-terminated, or the file is incomplete and the result empty.
   */
  static List<String> split(byte[] bytes) {
    List<String> parts = new ArrayList<>();
    if (bytes.length == 0 || bytes[bytes.length - 1] != 0) {
      return parts;
    }
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    int from = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        if (i > from) {
          try {
            parts.add(decoder.decode(ByteBuffer.wrap(bytes, from, i - from)).toString());
          } catch (CharacterCodingException e) {
            parts.add(null);
          }
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
