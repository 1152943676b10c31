package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.hooks.GitObjects;
import io.codequery.pidfile.StrictFiles;
import io.codequery.project.ProjectLayout;
import io.codequery.project.RepoPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A read-only temporary copy of a file's committed content, for a job whose working-tree file is
 * not that content (changed or deleted since the commit, a commit made in another worktree) or
 * cannot be named at all (not UTF-8). It lives in {@code .code-query/tmp/job-<random>/<name>}
 * inside the project, so a command confined to the project directory can read it; {@code <name>} is
 * the file name's display form (undecodable bytes as {@code \xNN}), so the extension survives.
 */
final class CommittedCopy {
  static final String TMP = "tmp";
  private static final int MAX_NAME_BYTES = 200;

  /** Older than the longest job timeout (one day): left behind by a worker that was killed. */
  private static final Duration ABANDONED_AFTER = Duration.ofDays(2);

  private CommittedCopy() {}

  static JobPaths.Resolved create(Path realRoot, RepoPath file, String blob) {
    return create(realRoot, file, blob, true);
  }

  private static JobPaths.Resolved create(
      Path realRoot, RepoPath file, String blob, boolean mayTryAgain) {
    Path tmp = realRoot.resolve(ProjectLayout.DIR).resolve(TMP);
    Path dir = null;
    try {
      StrictFiles.ensureDirectory(tmp);
      sweepAbandoned(tmp);
      byte[] random = new byte[8];
      ThreadLocalRandom.current().nextBytes(random);
      dir =
          Files.createDirectory(
              tmp.resolve("job-" + HexFormat.of().formatHex(random)),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path copy = dir.resolve(nameFor(file));
      Files.newByteChannel(
              copy,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          .close();
      GitObjects.copyBlob(realRoot, blob, copy);
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--------"));
      return new JobPaths.Resolved.Inside(copy, realRoot.relativize(copy).toString(), dir);
    } catch (IOException | CodeQueryException e) {
      if (dir != null) {
        remove(dir);
      }
      // Asked only once the copy failed: a job whose blob is here pays no extra git process.
      if (GitObjects.isAbsent(realRoot, blob)) {
        return new JobPaths.Resolved.NotInClone(
            blob,
            "blob "
                + blob
                + " of "
                + file.display()
                + " is not in this clone (its commit was made on another host and not fetched"
                + " here)");
      }
      if (mayTryAgain) {
        // Missing when the copy read it, here now: another slot's fetch brought it in between
        // (the cluster fault run saw such a job failed for good). One more copy settles it.
        return create(realRoot, file, blob, false);
      }
      return new JobPaths.Resolved.Refused(
          "cannot read the committed content of "
              + file.display()
              + " (blob "
              + blob
              + "): "
              + e.getMessage());
    }
  }

  /** The copy's file name: the display form of the last segment, bounded, never "." or "..". */
  static String nameFor(RepoPath file) {
    String name = file.fileName().display();
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      // Keep the end (the extension tells commands and the built-in processor the language).
      int from = name.length() - MAX_NAME_BYTES / 4;
      if (Character.isLowSurrogate(name.charAt(from))) {
        from++;
      }
      name = "…" + name.substring(from);
    }
    return name.equals(".") || name.equals("..") || name.isEmpty() ? "file" : name;
  }

  /** Removes a copy's directory and whatever the command left in it, never following links. */
  static void remove(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
              Files.deleteIfExists(f);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // Best effort: a copy left behind is swept once it is old (sweepAbandoned).
    }
  }

  private static void sweepAbandoned(Path tmp) {
    Instant cutoff = Instant.now().minus(ABANDONED_AFTER);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, "job-*")) {
      for (Path d : ds) {
        FileTime modified = Files.getLastModifiedTime(d, LinkOption.NOFOLLOW_LINKS);
        if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
            && modified.toInstant().isBefore(cutoff)) {
          remove(d);
        }
      }
    } catch (IOException e) {
      // Only housekeeping; the job does not depend on it.
    }
  }
}
