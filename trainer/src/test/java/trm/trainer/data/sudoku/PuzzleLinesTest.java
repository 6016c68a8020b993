package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import trm.engine.TrmException;

class PuzzleLinesTest {
    @TempDir
    Path dir;

    private static final String P1 = "4...3.......6..8..........1....5..9..8....6...7.2........1.27..5.3....4.9........";
    private static final String P2 = "7.8...3.....2.1...5.........4.....263...8.......1...9..9.6....4....7.5...........";

    @Test
    void skipsCommentsAndBlankLinesAndKeepsLineNumbers() throws IOException {
        Path file = write("# a comment\n\n" + P1 + "\n   \n#another\n" + P2 + "\n");
        List<LinePuzzle> puzzles = PuzzleLines.readAll(file);
        assertEquals(2, puzzles.size());
        assertEquals(3, puzzles.get(0).lineNumber());
        assertEquals(6, puzzles.get(1).lineNumber());
        assertSame(SudokuGeometry.CLASSIC, puzzles.get(0).geometry());
        assertEquals(4, puzzles.get(0).question()[0]);
        assertEquals(0, puzzles.get(0).question()[1]);
        assertEquals(P1, SudokuText.format(puzzles.get(0).question()));
    }

    @Test
    void acceptsCrlfZeroBlanksAndTrailingTextAfterWhitespace() throws IOException {
        String zeros = P1.replace('.', '0');
        Path file = write(zeros + "\r\n" + P2 + "\t17 some rating\r\n" + "  " + P1 + "  # why\r\n");
        List<LinePuzzle> puzzles = PuzzleLines.readAll(file);
        assertEquals(3, puzzles.size());
        assertArrayEquals(puzzles.get(0).question(), puzzles.get(2).question());
        assertEquals(P2, SudokuText.format(puzzles.get(1).question()));
    }

    @Test
    void smallGeometriesFromLineLength() throws IOException {
        Path file = write("1..4..1.....4..1\n..3.............\n");
        List<LinePuzzle> puzzles = PuzzleLines.readAll(file);
        assertSame(SudokuGeometry.MINI, puzzles.get(0).geometry());
        assertEquals(2, puzzles.size());
    }

    @Test
    void wrongLengthNamesFileLineAndLengths() throws IOException {
        Path file = write(P1 + "\n# comment\n" + P2.substring(1) + "\n");
        TrmException e = assertThrows(TrmException.class, () -> PuzzleLines.readAll(file));
        assertTrue(e.getMessage().contains(file + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 81 cells") && e.getMessage().contains("found 80"), e.getMessage());
    }

    @Test
    void aFirstLineOfNoSudokuLengthIsRejected() throws IOException {
        Path file = write("123456789\n");
        TrmException e = assertThrows(TrmException.class, () -> PuzzleLines.readAll(file));
        assertTrue(e.getMessage().startsWith(file + ":1:") && e.getMessage().contains("9 characters"), e.getMessage());
    }

    @Test
    void badCharacterIsNamedWithItsPosition() throws IOException {
        Path file = write(P1 + "\n" + P2.substring(0, 10) + "x" + P2.substring(11) + "\n");
        TrmException e = assertThrows(TrmException.class, () -> PuzzleLines.readAll(file));
        String m = e.getMessage();
        assertTrue(m.contains(file + ":2:") && m.contains("bad character 'x'") && m.contains("position 11")
                && m.contains("row 2, column 2"), m);
    }

    @Test
    void aDigitAboveTheGridSizeIsABadCharacter() throws IOException {
        Path file = write("1..5..1.....4..1\n");
        TrmException e = assertThrows(TrmException.class, () -> PuzzleLines.readAll(file));
        assertTrue(e.getMessage().contains("bad character '5'"), e.getMessage());
    }

    @Test
    void missingAndEmptyFilesAreUserErrors() throws IOException {
        TrmException missing = assertThrows(TrmException.class, () -> PuzzleLines.readAll(dir.resolve("nope.txt")));
        assertTrue(missing.getMessage().contains("nope.txt"), missing.getMessage());
        Path empty = write("# only a comment\n");
        TrmException none = assertThrows(TrmException.class, () -> PuzzleLines.readAll(empty));
        assertTrue(none.getMessage().contains("no puzzles"), none.getMessage());
    }

    @Test
    void readsTheRealCollectionsWhole() {
        assertEquals(1465, PuzzleLines.readAll(SharedData.sudokuFile(SharedData.MAGICTOUR)).size());
        try (var serg = PuzzleLines.stream(SharedData.sudokuFile(SharedData.SERG))) { // CRLF line endings
            assertEquals(10_000, serg.count());
        }
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "puzzles", ".txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
