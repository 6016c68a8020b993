package trm.trainer.data;

import trm.engine.TrmException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes pictures as PNG atomically (a temporary file beside the target, then a move), so a reader never sees half a file. */
public final class Png {
    private Png() {}

    /** Writes {@code image} to {@code file}; a failure is one line naming the file. */
    public static void write(BufferedImage image, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (!ImageIO.write(image, "png", tmp.toFile())) throw new TrmException("cannot write " + file + ": no PNG writer in this JDK");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TrmException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing left to clean: the move happened, or the write never started
            }
        }
    }
}
