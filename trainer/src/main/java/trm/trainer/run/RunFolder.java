package trm.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import trm.engine.TrmException;
import trm.engine.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One training run's folder, held by one process at a time:
 * <pre>
 *   run.json                the run's definition ({@link RunSpec}): what --resume continues
 *   checkpoint.safetensors  everything to continue exactly (weights, Adam moments, carry, step)
 *   model.safetensors       the model alone (EMA weights), same step as the checkpoint
 *   metrics.jsonl           one JSON object per line: train and eval metrics by step
 *   .lock                   the pid of the process that holds the run (an OS file lock)
 * </pre>
 * {@link #open} creates the folder only when called, so a command that fails its checks
 * first creates nothing. The lock is an OS lock on {@code .lock}: it goes away with the
 * process, even after {@code kill -9}, and the file is left in place (deleting it could let
 * two processes lock two different files).
 */
public final class RunFolder implements AutoCloseable {
    public static final String SPEC = "run.json", CHECKPOINT = "checkpoint.safetensors", MODEL = "model.safetensors",
            METRICS = "metrics.jsonl", LOCK = ".lock";
    /** What {@link AtomicFiles} names its temporary files: ".NAME.&lt;16 hex digits&gt;.tmp". */
    static final Pattern TEMP = Pattern.compile("\\..+\\.[0-9a-f]{16}\\.tmp");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private RunFolder(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Whether {@code dir} already holds a run (its definition or a checkpoint). */
    public static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(SPEC)) || Files.exists(dir.resolve(CHECKPOINT));
    }

    /**
     * Creates the folder if needed and takes its lock, then removes temporary files that an
     * interrupted write left behind. A run held by another process is refused with one line
     * naming its pid.
     */
    public static RunFolder open(Path dir) {
        try {
            Files.createDirectories(dir);
            Path lockFile = dir.resolve(LOCK);
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                ch.close();
                throw new TrmException(dir + " is in use by process " + (holder.isEmpty() ? "(unknown pid)" : holder)
                        + " (lock " + lockFile + "); wait for it to finish or stop it first");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            RunFolder f = new RunFolder(dir, ch, lock);
            f.removeStaleTemps();
            return f;
        } catch (IOException e) {
            throw new TrmException("cannot open the run folder " + dir + ": " + e.getMessage());
        }
    }

    public Path dir() { return dir; }
    public Path spec() { return dir.resolve(SPEC); }
    public Path checkpoint() { return dir.resolve(CHECKPOINT); }
    public Path model() { return dir.resolve(MODEL); }
    public Path metrics() { return dir.resolve(METRICS); }

    /** Deletes the temporary files of writes that never finished (a killed process); returns how many. */
    int removeStaleTemps() throws IOException {
        int n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList())
                if (TEMP.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    Files.delete(p);
                    n++;
                }
        }
        return n;
    }

    /**
     * Keeps the metrics of steps up to {@code step} (where a resumed run continues), so that
     * replayed steps are not recorded twice; a line cut short by a kill is dropped too.
     */
    public void truncateMetrics(long step) {
        Path file = metrics();
        if (!Files.exists(file)) return;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8), kept = new ArrayList<>();
            for (String line : lines) {
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // a partial last line
                }
                if (n != null && n.isObject() && n.path("step").canConvertToLong() && n.get("step").asLong() <= step) kept.add(line);
            }
            if (kept.size() == lines.size()) return;
            byte[] bytes = kept.stream().map(l -> l + "\n").reduce("", String::concat).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(file, ch -> {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
            });
        } catch (IOException e) {
            throw new TrmException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Appends one JSON object as a line of metrics.jsonl. */
    public void appendMetrics(JsonNode record) {
        try {
            Files.writeString(metrics(), JSON.writeValueAsString(record) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new TrmException("cannot write " + metrics() + ": " + e.getMessage());
        }
    }

    /** Releases the lock (the .lock file stays). */
    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // Closing the channel failed: the OS drops the lock when the process ends anyway.
        }
    }
}
