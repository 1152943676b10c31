package io.codequery.project;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolCountTest {
  @TempDir Path spool;

  @Test
  void counts_the_current_hooks_records_and_the_older_ones_but_no_temp_files() throws Exception {
    String commit = "a".repeat(40);
    Files.writeString(spool.resolve(commit + ".4242.rec"), "commit " + commit + "\nend\n");
    Files.writeString(spool.resolve(commit + ".commit"), commit + "\n");
    Files.writeString(spool.resolve("b".repeat(40) + ".files"), "x\0");
    Files.writeString(spool.resolve(".tmp.4243"), "commit ");
    Files.writeString(spool.resolve(".wake"), "");
    Files.createDirectory(spool.resolve("rejected"));
    Files.writeString(spool.resolve("rejected").resolve("bad.rec"), "garbage");

    assertEquals(new SpoolCount(3, 1), SpoolCount.of(spool));
  }

  @Test
  void a_missing_spool_waits_for_nothing() {
    assertEquals(new SpoolCount(0, 0), SpoolCount.of(spool.resolve("none")));
  }
}
