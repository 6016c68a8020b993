package trm.trainer.data.maze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import trm.engine.TrmException;

class MazeCsvTest {
    @TempDir
    Path dir;

    private static final String WQ = Mazes.csv(Mazes.WINDING_QUESTION);
    private static final String WA = Mazes.csv(Mazes.WINDING_ANSWER);

    @Test
    void roundTripKeepsEveryField() {
        List<MazeExample> mazes = MazeGenerator.generate(30, 30, 3, MazeGenerator.Target.minPath(111), 1, "generated, \"hard\"");
        Path file = dir.resolve("hard.csv");
        MazeCsv.write(file, mazes);
        assertEquals(mazes, MazeCsv.readAll(file));
        assertEquals(mazes, new MazeDataset(MazeCsv.readAll(file)).examples());
    }

    @Test
    void readsTheMazeHardLayoutWithOptionalQuotesAndCrlf() throws IOException {
        Path file = write("source,question,answer,rating\r\n"
                + "maze," + WQ + "," + WA + ",6\r\n"
                + "\r\n"
                + "\"quoted,source\",\"" + WQ + "\",\"" + WA + "\",200\r\n");
        List<MazeExample> rows = MazeCsv.readAll(file);
        assertEquals(2, rows.size());
        assertEquals("quoted,source", rows.get(1).source());
        assertEquals(200, rows.get(1).rating(), "a file's own rating is kept");
        assertEquals(4, rows.getFirst().height());
    }

    @Test
    void everyMalformedMazeGivesOneLineNamingFileAndLine() throws IOException {
        String[][] cases = {
                // {row, expected fragment}
                {"m," + WQ.substring(1) + "," + WA + ",6", "question has 15 characters but this file's mazes are 4x4 (16)"},
                {"m," + WQ + "," + WA + "x,6", "answer has 17 characters but the question has 16"},
                {"m," + WQ.replace('S', 'X') + "," + WA + ",6", "question: unknown character 'X' (expected one of '# SGo') at row 1, column 1"},
                {"m," + WQ + "," + WA.replace('#', '\t') + ",6", "answer: unknown character U+0009"},
                {"m," + WQ.replace('S', ' ') + "," + WA.replace('S', ' ') + ",6", "question: no S (start)"},
                {"m," + WQ.replace('G', ' ') + "," + WA.replace('G', ' ') + ",6", "question: no G (goal)"},
                {"m," + "SS" + WQ.substring(2) + "," + "SS" + WA.substring(2) + ",6", "question: more than one S (start): at row 1, column 1 and row 1, column 2"},
                {"m," + WQ.replace("#G##", "#GG#") + "," + WA.replace("#G##", "#GG#") + ",6", "question: more than one G (goal)"},
                {"m," + WQ.replace('S', 'o') + "," + WA + ",6", "question: 'o' at row 1, column 1: only an answer marks the path"},
                {"m," + WQ + "," + WQ + ",6", "answer: the marked cells do not connect S to G"},
                {"m," + WQ + "," + WA.replace("Soo#", "Soo ") + ",6", "answer: row 1, column 4 is ' ' but the question has '#' there"},
                {"m," + WQ + "," + WA.replace("#oo#", "#o #") + ",6", "answer: the marked cells do not connect S to G"},
                {"m," + WQ + "," + WA + ",-1", "bad rating '-1' (expected a non-negative integer)"},
                {"m," + WQ + "," + WA + ",six", "bad rating 'six'"},
                {"m," + WQ + "," + WA, "expected 4 fields (source,question,answer,rating) but found 3"},
                {"\"m," + WQ + "," + WA + ",6", "unterminated quoted field"},
                {"\"m\"x," + WQ + "," + WA + ",6", "unexpected text after a quoted field at column 4"},
        };
        for (String[] c : cases) {
            Path file = write("source,question,answer,rating\nm," + WQ + "," + WA + ",6\n" + c[0] + "\n");
            assertError(file, 3, c[1]);
        }
        // The first row must be square; it fixes the file's side.
        String dq = Mazes.csv(Mazes.DETOUR_QUESTION);
        assertError(write("source,question,answer,rating\nm," + dq + "," + Mazes.csv(Mazes.DETOUR_SHORT) + ",2\n"), 2,
                "question has 12 characters: not a square maze of at least 2x2 (30x30 has 900)");
    }

    @Test
    void strayAndLongerPathsAreRejected() throws IOException {
        // 3x3 is square, so these go through the path checks: a stray mark, and a detour.
        String q = Mazes.csv("S..", ".#.", "G..");
        assertError(write("source,question,answer,rating\nm," + q + "," + Mazes.csv("S.o", "o#.", "G..") + ",2\n"), 2,
                "answer: 1 marked cell is not on the path from S to G");
        assertError(write("source,question,answer,rating\nm," + q + "," + Mazes.csv("Soo", ".#o", "Goo") + ",6\n"), 2,
                "answer: the marked path takes 6 steps but the shortest takes 2");
    }

    @Test
    void headerAndEmptyFiles() throws IOException {
        assertError(write("m," + WQ + "," + WA + ",6\n"), 1, "missing header: expected 'source,question,answer,rating'");
        Path empty = write("");
        TrmException e = assertThrows(TrmException.class, () -> MazeCsv.readAll(empty));
        assertEquals(empty + ": empty file, expected the header 'source,question,answer,rating'", e.getMessage());
        Path onlyHeader = write("source,question,answer,rating\n");
        e = assertThrows(TrmException.class, () -> MazeCsv.readAll(onlyHeader));
        assertEquals(onlyHeader + ": no mazes after the header", e.getMessage());
        Path missing = dir.resolve("nope.csv");
        e = assertThrows(TrmException.class, () -> MazeCsv.readAll(missing));
        assertEquals("no such file: " + missing, e.getMessage());
    }

    private void assertError(Path file, int line, String fragment) {
        TrmException e = assertThrows(TrmException.class, () -> MazeCsv.readAll(file), fragment);
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ":" + line + ": "), message);
        assertTrue(message.contains(fragment), "expected '" + fragment + "' in: " + message);
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    private int files;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("m" + files++ + ".csv");
        Files.writeString(file, text);
        return file;
    }
}
