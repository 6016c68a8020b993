package trm.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import trm.engine.TrmException;

class AtomicFilesTest {

    @TempDir Path dir;

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacesTheFileAndLeavesNothingElse() throws IOException {
        Path f = dir.resolve("a.bin");
        AtomicFiles.write(f, ch -> ch.write(ByteBuffer.wrap("one".getBytes(StandardCharsets.UTF_8))));
        AtomicFiles.write(f, ch -> ch.write(ByteBuffer.wrap("two!".getBytes(StandardCharsets.UTF_8))));
        assertEquals("two!", Files.readString(f));
        assertEquals(List.of("a.bin"), names(dir));
    }

    @Test
    void aFailingBodyKeepsTheOldFileAndRemovesTheTemporary() throws IOException {
        Path f = dir.resolve("a.bin");
        Files.writeString(f, "old");
        TrmException e = assertThrows(TrmException.class, () -> AtomicFiles.write(f, ch -> {
            ch.write(ByteBuffer.wrap("half of the new".getBytes(StandardCharsets.UTF_8)));
            throw new IOException("disk full");
        }));
        assertTrue(e.getMessage().contains("a.bin") && e.getMessage().contains("disk full"), e.getMessage());
        assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
        assertEquals(List.of("a.bin"), names(dir));
    }

    @Test
    void aFailingRenameRemovesTheTemporary() throws IOException {
        Path target = dir.resolve("taken");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "x");
        TrmException e = assertThrows(TrmException.class,
                () -> AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[] {1}))));
        assertTrue(e.getMessage().startsWith("cannot write " + target), e.getMessage());
        assertEquals(List.of("taken"), names(dir));
        assertEquals(List.of("inside"), names(target));
    }

    @Test
    void aMissingFolderIsReported() {
        Path f = dir.resolve("nope").resolve("a.bin");
        TrmException e = assertThrows(TrmException.class, () -> AtomicFiles.write(f, ch -> {}));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
