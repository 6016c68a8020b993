package trm.engine.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import trm.engine.TrmException;

/**
 * Replaces a file all at once: the new content goes to a temporary file in the same folder, is
 * forced to disk, and is then renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE}.
 * Readers see either the old file or the complete new one. If anything fails, the target is left
 * as it was and the temporary file is removed.
 */
public final class AtomicFiles {

    /** Writes the content of a file into an open channel positioned at 0. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Name prefix of the temporary files, so that leftovers of a crashed process are recognisable. */
    static final String TEMP_PREFIX = ".";
    static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {}

    /** Writes {@code target} atomically; TrmException naming the file if it cannot. */
    public static void write(Path target, Body body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new TrmException("cannot write " + target + ": folder " + dir + " does not exist");
        }
        Path tmp = dir.resolve(TEMP_PREFIX + abs.getFileName() + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            syncFolder(dir);
        } catch (IOException e) {
            throw new TrmException("cannot write " + target + ": " + describe(e), e);
        } catch (TrmException e) {
            throw new TrmException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Nothing more we can do; the original failure is what matters.
                }
            }
        }
    }

    /** Makes the rename durable. Best effort: not every platform lets a folder be opened. */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // The data itself is already on disk; only the rename's durability is at stake.
        }
    }

    /** Why an I/O operation failed, in words (the exception's class name is not a reason). */
    public static String describe(IOException e) {
        String what = e.getMessage() == null ? "" : e.getMessage();
        return switch (e) {
            case NoSuchFileException n -> "no such file or folder " + what;
            case AccessDeniedException a -> "permission denied on " + what;
            case FileAlreadyExistsException f -> "already exists: " + what;
            default -> (e.getClass().getSimpleName() + " " + what).trim();
        };
    }
}
