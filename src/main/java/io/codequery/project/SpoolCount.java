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
 * @param waiting commit records ({@code *.commit}, {@code *.files}) not yet ingested
 * @param rejected entries in {@code spool/rejected/} (the worker's log says why each is there)
 */
public record SpoolCount(int waiting, int rejected) {
  /** Name endings of the records the worker ingests. */
  private static final String[] RECORD_SUFFIXES = {".commit", ".files"};

  /** Counting stops here: a number this large already says all there is to say. */
  static final int MAX_COUNTED = 1_000_000;

  public static SpoolCount of(Path spoolDir) {
    int waiting = 0;
    for (Path p : list(spoolDir)) {
      String name = p.getFileName().toString();
      for (String suffix : RECORD_SUFFIXES) {
        if (name.endsWith(suffix) && !name.startsWith(".")) {
          waiting++;
          break;
        }
      }
    }
    return new SpoolCount(waiting, list(spoolDir.resolve("rejected")).size());
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
