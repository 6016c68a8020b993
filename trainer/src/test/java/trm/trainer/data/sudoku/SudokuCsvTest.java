package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import trm.engine.TrmException;

class SudokuCsvTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryField() {
        List<SudokuExample> examples = new ArrayList<>();
        SudokuGenerator six = new SudokuGenerator(SudokuGeometry.SIX, 3);
        examples.addAll(six.generate(5, SudokuGenerator.Target.any(), "generated, \"six\""));
        Path file = dir.resolve("six.csv");
        SudokuCsv.write(file, examples);
        assertEquals(examples, SudokuCsv.readAll(file));
        try (SudokuCsv.Reader reader = SudokuCsv.open(file)) {
            reader.next();
            assertSame(SudokuGeometry.SIX, reader.geometry());
        }
    }

    @Test
    void roundTripOfRealPuzzlesWithComputedAnswers() {
        List<SudokuConverter.Rejected> rejected = new ArrayList<>();
        List<SudokuExample> examples = SudokuConverter.solveAll(
                SharedData.firstPuzzles(SharedData.MAGICTOUR, 50), "magictour", rejected);
        assertEquals(List.of(), rejected);
        Path file = dir.resolve("real.csv");
        SudokuCsv.write(file, examples);
        try (var rows = SudokuCsv.stream(file)) {
            assertEquals(examples, rows.toList());
        }
    }

    @Test
    void readsTheExtremeLayoutWithDotsAndOptionalQuotes() throws IOException {
        String q = "1.3.3.1.2.4.4.2.";
        Path file = write("source,question,answer,rating\n"
                + "puzzles0_kaggle," + q + ",1234341221434321,0\n"
                + "\n"
                + "\"quoted,source\"," + q.replace('.', '0') + ",1234341221434321,12\n");
        List<SudokuExample> rows = SudokuCsv.readAll(file);
        assertEquals(2, rows.size());
        assertEquals("quoted,source", rows.get(1).source());
        assertEquals(12, rows.get(1).rating());
        assertEquals(rows.get(0).withRating(12), new SudokuExample(SudokuGeometry.MINI,
                rows.get(1).question(), rows.get(1).answer(), 12, "puzzles0_kaggle"));
    }

    @Test
    void missingHeader() throws IOException {
        Path file = write("puzzles0_kaggle,1.3.3.1.2.4.4.2.,1234341221434321,0\n");
        assertError(file, ":1:", "missing header");
    }

    @Test
    void emptyFile() throws IOException {
        Path file = write("");
        TrmException e = assertThrows(TrmException.class, () -> SudokuCsv.readAll(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void wrongFieldCount() throws IOException {
        assertError(row("s,1.3.3.1.2.4.4.2.,1234341221434321"), ":3:", "expected 4 fields");
    }

    @Test
    void wrongLength() throws IOException {
        assertError(row("s,1.3.3.1.2.4.4.2,1234341221434321,0"), ":3:", "expected 16 cells");
    }

    @Test
    void badCharacterInQuestion() throws IOException {
        assertError(row("s,1.3.3.1.2.4.4?2.,1234341221434321,0"), ":3:", "question: bad character '?'");
    }

    @Test
    void blankInAnswer() throws IOException {
        assertError(row("s,1.3.3.1.2.4.4.2.,12343412214343.1,0"), ":3:", "answer: bad character '.'");
    }

    @Test
    void answerNotMatchingClues() throws IOException {
        // consistent clues, but the clue 4 at row 1, column 2 is a 2 in the answer
        assertError(row("s,143.3.1.2.4.4.2.,1234341221434321,0"), ":3:", "answer has 2 at row 1, column 2 but the question's clue there is 4");
    }

    @Test
    void answerThatIsNotAValidGrid() throws IOException {
        assertError(row("s,................,1234341221434312,0"), ":3:", "answer: digit");
    }

    @Test
    void badRatings() throws IOException {
        assertError(row("s,1.3.3.1.2.4.4.2.,1234341221434321,many"), ":3:", "bad rating 'many'");
        assertError(row("s,1.3.3.1.2.4.4.2.,1234341221434321,-3"), ":3:", "bad rating '-3'");
    }

    @Test
    void mixedSizesInOneFile() throws IOException {
        Path file = write(SudokuCsv.HEADER + "\n" + "s,1.3.3.1.2.4.4.2.,1234341221434321,0\n"
                + "s," + ".".repeat(81) + "," + "1".repeat(81) + ",0\n");
        assertError(file, ":3:", "expected 16 cells");
    }

    @Test
    void unterminatedQuote() throws IOException {
        assertError(row("\"s,1.3.3.1.2.4.4.2.,1234341221434321,0"), ":3:", "unterminated quoted field");
    }

    /** RFC 4180: any field may be quoted, the header too (R's write.csv, Python's QUOTE_ALL), and a quoted field may span lines. */
    @Test
    void quotedHeadersFieldsAndLineBreaksInsideQuotesAreRead() throws IOException {
        Path all = write("\"source\",\"question\",\"answer\",\"rating\"\r\n"
                + "\"kaggle\",\"1.3.3.1.2.4.4.2.\",\"1234341221434321\",\"3\"\r\n");
        List<SudokuExample> rows = SudokuCsv.readAll(all);
        assertEquals(1, rows.size());
        assertEquals(3, rows.getFirst().rating());
        Path multi = write(SudokuCsv.HEADER + "\n\"two\nlines, \"\"quoted\"\"\",1.3.3.1.2.4.4.2.,1234341221434321,0\n"
                + "s,1.3.3.1.2.4.4.2.,1234341221434321,x\n");
        // the row after a two-line field starts on line 4, and errors say so
        assertError(multi, ":4:", "bad rating 'x'");
        Path good = write(SudokuCsv.HEADER + "\n\"two\nlines, \"\"quoted\"\"\",1.3.3.1.2.4.4.2.,1234341221434321,0\n");
        assertEquals("two\nlines, \"quoted\"", SudokuCsv.readAll(good).getFirst().source());
        // and what we write with such a source reads back
        SudokuExample e = SudokuCsv.readAll(good).getFirst();
        Path back = dir.resolve("back.csv");
        SudokuCsv.write(back, List.of(e));
        assertEquals(List.of(e), SudokuCsv.readAll(back));
    }

    @Test
    void textAfterAClosingQuoteAndNonUtf8BytesNameTheirLine() throws IOException {
        TrmException e = assertThrows(TrmException.class, () -> SudokuCsv.readAll(row("\"s\"x,1.3.3.1.2.4.4.2.,1234341221434321,0")));
        assertTrue(e.getMessage().contains(":3: malformed CSV"), e.getMessage());
        Path latin1 = Files.createTempFile(dir, "latin1", ".csv");
        Files.write(latin1, (SudokuCsv.HEADER + "\ngood,1.3.3.1.2.4.4.2.,1234341221434321,0\ncaf\u00e9,1.3.3.1.2.4.4.2.,1234341221434321,0\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertError(latin1, ":3:", "not UTF-8 text: byte 0xE9 at column 4");
    }

    /** A file with the header, one good row, then {@code line} as line 3. */
    private Path row(String line) throws IOException {
        return write(SudokuCsv.HEADER + "\ngood,1.3.3.1.2.4.4.2.,1234341221434321,0\n" + line + "\n");
    }

    private static void assertError(Path file, String line, String problem) {
        TrmException e = assertThrows(TrmException.class, () -> SudokuCsv.readAll(file));
        String m = e.getMessage();
        assertTrue(m.contains(file + line) && m.contains(problem), "message was: " + m);
        assertTrue(!m.contains("\n"), "message must be one line: " + m);
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "sudoku", ".csv");
        Files.writeString(file, text);
        return file;
    }
}
