package io.codequery.project;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What waits in the hooks' spool ({@code .code-query/spool/}): commits recorded but not yet queued,
 * and records the worker could not read, set aside in {@code spool/rejected/}. Counting only lists
 * the directories; nothing is opened.
 *
 * @param waiting commit records ({@code *.rec}, and the older hooks' {@code *.commit} and {@code
 *     *.files}) not yet ingested
 * @param rejected entries in {@code spool/rejected/} (the worker's log says why each is there)
 */
public record SpoolCount(int waiting, int rejected) {
  /** The name ending of a record the current hook writes: {@code <commit>.<pid>.rec}. */
  public static final String RECORD_SUFFIX = ".rec";

  /** The name ending of a commit record of an older hook. */
  public static final String COMMIT_SUFFIX = ".commit";

  /** The name ending of a file-list record of an older hook. */
  public static final String FILES_SUFFIX = ".files";

  /** Name endings of the records the worker ingests: the one rule for the worker and the counts. */
  private static final String[] RECORD_SUFFIXES = {RECORD_SUFFIX, COMMIT_SUFFIX, FILES_SUFFIX};

  /** Counting stops here: a number this large already says all there is to say. */
  static final int MAX_COUNTED = 1_000_000;

  public static SpoolCount of(Path spoolDir) {
    int waiting = 0;
    for (Path p : list(spoolDir)) {
      if (isRecordName(p.getFileName().toString())) {
        waiting++;
      }
    }
    return new SpoolCount(waiting, list(spoolDir.resolve("rejected")).size());
  }

  /** Whether an entry of the spool so named is a record the worker ingests. */
  public static boolean isRecordName(String name) {
    if (name.startsWith(".")) {
      return false;
    }
    for (String suffix : RECORD_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> list(Path dir) {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (entries.size() >= MAX_COUNTED) {
          break;
        }
        entries.add(p);
      }
    } catch (NoSuchFileException e) {
      // no spool yet: nothing waits
    } catch (IOException e) {
      // unreadable: counted as nothing; the worker's own listing logs why
    }
    return entries;
  }
}
