package io.codequery.queue;

import io.codequery.pidfile.SafeModes;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Asks a running worker to look at the queue now (after {@code queue add} or {@code queue retry})
 * rather than at its next heartbeat: one byte written to {@code spool/.wake}, which the worker's
 * watch on the spool sees. The file is never read and never ingested; rewriting it is the signal.
 */
public final class WakeWorker {
  static final String FILE = ".wake";

  private WakeWorker() {}

  /** Signals the worker if the spool exists; false where it could not (no worker ever ran). */
  public static boolean request(ProjectLayout layout) {
    Path spool = layout.spoolDir();
    if (!Files.isDirectory(spool, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (SeekableByteChannel ch =
        Files.newByteChannel(
            spool.resolve(FILE),
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS),
            SafeModes.FILE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false; // the worker still finds the jobs at its next heartbeat
    }
  }
}
