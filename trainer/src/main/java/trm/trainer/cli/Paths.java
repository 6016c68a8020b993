package trm.trainer.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's shipped files are, whatever the working directory. */
final class Paths {
    private Paths() {}

    /** The repository root (set by the ./trm script), else the working directory. */
    static Path root() {
        String r = System.getProperty("trm.root");
        return r != null ? Path.of(r) : Path.of("").toAbsolutePath();
    }

    /** A path given by the user, or the shipped default under the root. */
    static Path orShipped(Path given, String shipped) {
        if (given != null) return given;
        Path p = root().resolve(shipped);
        return Files.exists(p) ? p : Path.of(shipped);
    }

    /** The first {@code shared/<relative>} folder found walking up from the root (the project keeps shared data beside the repository). */
    static Path shared(String relative) {
        for (Path d = root().toAbsolutePath(); d != null; d = d.getParent()) {
            Path c = d.resolve("shared").resolve(relative);
            if (Files.isDirectory(c)) return c;
        }
        return root().resolve("../shared").resolve(relative).normalize();
    }
}
