package io.codequery.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class FileIdTest {
  @Test
  void st_dev_splits_into_major_and_minor_as_glibc_does() {
    assertEquals(new FileId(8, 1, 5), FileId.ofDevice(0x0801, 5));
    assertEquals(new FileId(0xfe, 0x00, 5), FileId.ofDevice(0xfe00, 5));
    // minor 0x12345 (beyond 8 bits) and major 0x1234 (beyond 12 bits)
    long dev = (0x45L) | (0x234L << 8) | (0x123L << 20) | (0x1L << 44);
    assertEquals(new FileId(0x1234, 0x12345, 7), FileId.ofDevice(dev, 7));
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void a_file_has_an_identity_a_missing_one_none_and_a_link_its_own(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("l"), file);
    FileId id = FileId.of(file).orElseThrow();
    assertTrue(id.inode() > 0);
    assertEquals(Optional.empty(), FileId.of(dir.resolve("missing")));
    assertNotEquals(id, FileId.of(link).orElseThrow());
  }
}
