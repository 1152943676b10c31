package io.codequery.hooks;

import io.codequery.CodeQueryException;
import io.codequery.store.PathRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/** Git blob objects: their ids computed as git computes them, and their content read out. */
public final class GitObjects {
  /** Long enough for any blob a documentation command could want to read. */
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);

  private GitObjects() {}

  /** True for a full object id: 40 hex digits (SHA-1) or 64 (SHA-256), lower case. */
  public static boolean isObjectId(String id) {
    return PathRules.isObjectId(id);
  }

  /**
   * The blob id git would give {@code file}'s bytes ({@code hash("blob <size>\0" + content)}, in
   * the hash of {@code like}'s repository: SHA-1 for a 40-digit id, SHA-256 for 64), read without
   * following a link in the last component. Empty if the file changed size while it was read. Git's
   * clean filters (line endings, LFS) are not applied: a file they would change hashes differently
   * from its blob, which is what the caller should see — it is not the committed content.
   */
  public static Optional<String> blobIdOf(Path file, String like) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance(like.length() == 64 ? "SHA-256" : "SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1 and SHA-256", e);
    }
    try (SeekableByteChannel ch =
            Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        InputStream in = Channels.newInputStream(ch)) {
      long size = ch.size();
      digest.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[64 * 1024];
      long read = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        digest.update(buf, 0, n);
        read += n;
      }
      if (read != size) {
        return Optional.empty();
      }
    }
    return Optional.of(HexFormat.of().formatHex(digest.digest()));
  }

  /**
   * True when git says object {@code objectId} is not in {@code repository}'s object store ({@code
   * git cat-file -e} exits 1): another host's commit this clone has not fetched yet. False when it
   * is there, and when git cannot say (not a repository, git missing): that is no reason to fetch.
   */
  public static boolean isAbsent(Path repository, String objectId) {
    if (!isObjectId(objectId)) {
      return false;
    }
    try {
      return Git.run(repository, "cat-file", "-e", objectId).status() == 1;
    } catch (CodeQueryException e) {
      return false;
    }
  }

  /**
   * Writes blob {@code blobId}'s content into {@code target}, an existing file the caller created
   * (with the mode it wants). Git's own message is in the exception if it cannot.
   */
  public static void copyBlob(Path repository, String blobId, Path target) {
    if (!isObjectId(blobId)) {
      throw new CodeQueryException("not a blob id: " + blobId);
    }
    Git.Result r = Git.runToFile(repository, target, COPY_TIMEOUT, "cat-file", "blob", blobId);
    if (r.status() != 0) {
      throw new CodeQueryException(
          "git cat-file blob " + blobId + " failed in " + repository + ": " + r.err().strip());
    }
  }
}
