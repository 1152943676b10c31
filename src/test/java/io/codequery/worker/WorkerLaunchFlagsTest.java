package io.codequery.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker gets what made its starter fast: the CDS archive, the extracted SQLite library. */
class WorkerLaunchFlagsTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(WorkerLaunch.CDS_ARCHIVE_PROPERTY);
    WorkerLaunch.SQLITE_LIBRARY_PROPERTIES.forEach(System::clearProperty);
  }

  @Test
  void an_archive_and_the_sqlite_library_named_to_this_jvm_are_handed_on() throws Exception {
    Path jsa = Files.createFile(dir.resolve("code-query.jsa"));
    System.setProperty(WorkerLaunch.CDS_ARCHIVE_PROPERTY, jsa.toString());
    System.setProperty("org.sqlite.lib.path", dir.toString());
    System.setProperty("org.sqlite.lib.name", "libsqlitejdbc.so");
    List<String> flags = WorkerLaunch.sharedFlags();
    assertTrue(flags.contains("-XX:SharedArchiveFile=" + jsa), flags::toString);
    assertTrue(flags.contains("-Xlog:cds*=off"), flags::toString);
    assertTrue(flags.contains("-Dorg.sqlite.lib.path=" + dir), flags::toString);
    assertTrue(flags.contains("-Dorg.sqlite.lib.name=libsqlitejdbc.so"), flags::toString);
  }

  @Test
  void an_archive_that_is_gone_is_not_named() {
    System.setProperty(WorkerLaunch.CDS_ARCHIVE_PROPERTY, dir.resolve("gone.jsa").toString());
    assertFalse(String.join(" ", WorkerLaunch.sharedFlags()).contains("SharedArchiveFile"));
    assertTrue(WorkerLaunch.sharedFlags().isEmpty());
  }
}
