package trm.trainer.cli;

import trm.engine.TrmException;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Checks of command-line options, made before any work is done or any file is created: each
 * refusal is one line naming the option, the value and what it must be.
 */
final class Options {
    private Options() {}

    /** File systems where no run folder or output can live. */
    private static final Set<String> PSEUDO_FILE_SYSTEMS = Set.of("proc", "sysfs", "devpts", "cgroup", "cgroup2", "debugfs", "securityfs");

    /** {@code value} (if given) within [min, max]. */
    static void range(String option, Number value, long min, long max) {
        if (value == null) return;
        long v = value.longValue();
        if (v < min && min <= 1) throw new TrmException(option + (min == 1 ? " must be positive" : " must not be negative") + ", got " + v);
        if (v < min || v > max)
            throw new TrmException(option + " " + v + " is out of range: it must be " + (max == Long.MAX_VALUE ? "at least " + min
                    : min == max ? String.valueOf(min) : "between " + min + " and " + max));
    }

    /** {@code value} (if given) a finite number in (min, max] ({@code minExclusive}) or [min, max]. */
    static void range(String option, Double value, double min, boolean minExclusive, double max) {
        if (value == null) return;
        if (!Double.isFinite(value)) throw new TrmException(option + " must be a finite number, got " + value);
        boolean ok = (minExclusive ? value > min : value >= min) && value <= max;
        if (!ok) throw new TrmException(option + " " + value + " is out of range: it must be a number in "
                + (minExclusive ? "(" : "[") + min + ", " + max + "]");
    }

    /** A file to read: it exists and is a regular, readable file. */
    static Path inputFile(String option, Path file) {
        if (file == null) return null;
        if (!Files.exists(file)) throw new TrmException(option + " " + file + ": no such file");
        if (Files.isDirectory(file)) throw new TrmException(option + " " + file + ": is a folder, not a file");
        if (!Files.isReadable(file)) throw new TrmException(option + " " + file + ": not readable (permission denied)");
        return file;
    }

    /** A file to write: not a folder, its folder exists, is writable and on a real file system. */
    static Path outputFile(String option, Path file) {
        if (file == null) return null;
        if (Files.isDirectory(file)) throw new TrmException(option + " " + file + ": is a folder, not a file");
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.exists(parent))
            throw new TrmException(option + " " + file + ": the folder " + parent + " does not exist");
        if (!Files.isDirectory(parent)) throw new TrmException(option + " " + file + ": " + parent + " is a file, not a folder");
        writableFolder(option + " " + file, parent);
        return file;
    }

    /**
     * A folder to create (or reuse): if it exists it is a writable folder; otherwise its nearest
     * existing ancestor is a writable folder on a real file system (not /proc, not a regular file).
     */
    static Path outputFolder(String option, Path folder) {
        if (folder == null) return null;
        Path abs = folder.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) throw new TrmException(option + " " + folder + ": is a file, not a folder");
            writableFolder(option + " " + folder, abs);
            return folder;
        }
        Path anc = abs.getParent();
        while (anc != null && !Files.exists(anc)) anc = anc.getParent();
        if (anc == null) throw new TrmException(option + " " + folder + ": no part of this path exists");
        if (!Files.isDirectory(anc))
            throw new TrmException(option + " " + folder + ": " + anc + " is a file, so no folder can be made under it");
        writableFolder(option + " " + folder, anc);
        return folder;
    }

    private static void writableFolder(String what, Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            if (PSEUDO_FILE_SYSTEMS.contains(store.type()))
                throw new TrmException(what + ": " + dir + " is on the " + store.type() + " file system, where nothing can be written");
            if (store.isReadOnly()) throw new TrmException(what + ": " + dir + " is on a read-only file system");
        } catch (IOException e) {
            throw new TrmException(what + ": cannot inspect " + dir + " (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) throw new TrmException(what + ": the folder " + dir + " is not writable (permission denied)");
    }
}
