package trm.trainer.data.sudoku;

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
import trm.trainer.data.sudoku.SudokuConverter.Rejected;

class SudokuConverterTest {
    @TempDir
    Path dir;

    @Test
    void solvesGoodPuzzlesAndReportsTheOthersByLine() throws IOException {
        String unique = "12..3.....4...21";
        String ambiguous = "..34..12..43..21";    // columns 1-2 can hold 12/34/21/43 or 21/34/12/43
        String noSolution = "123....4........";   // clues agree, but (1,4) must be 4 and its box has a 4
        String duplicate = "1..1............";
        Path in = dir.resolve("mini.txt");
        Files.writeString(in, "# test\n" + unique + "\n" + ambiguous + "\n" + noSolution + "\n" + duplicate + "\n"
                + unique.replace('.', '0') + "\n");
        Path out = dir.resolve("mini.csv");
        SudokuConverter.Report report = SudokuConverter.linesToCsv(in, out);
        assertEquals(2, report.written());
        assertEquals(List.of(new Rejected(3, "more than one solution"), new Rejected(4, "no solution"),
                new Rejected(5, "invalid clues: digit 1 appears twice in row 1")), report.rejected());
        assertTrue(report.summary().startsWith("wrote 2 puzzles, skipped 3 (line 3: more than one solution"),
                report.summary());
        List<SudokuExample> rows = SudokuCsv.readAll(out);
        assertEquals(2, rows.size());
        assertEquals("mini", rows.get(0).source());
        assertEquals("1234341221434321", SudokuText.format(rows.get(0).answer()));
    }

    @Test
    void convertsARealCollectionIntoACsvThatReadsBack() {
        Path in = SharedData.sudokuFile(SharedData.MAGICTOUR);
        Path out = dir.resolve("top1465.csv");
        SudokuConverter.Report report = SudokuConverter.linesToCsv(in, out);
        assertEquals(1465, report.written());
        assertEquals(List.of(), report.rejected());
        try (var rows = SudokuCsv.stream(out)) {
            rows.forEach(e -> {
                assertEquals("puzzles3_magictour_top1465", e.source());
                assertTrue(SudokuRules.solves(e.geometry(), e.question(), e.answer()));
            });
        }
    }

    @Test
    void aMalformedLineStopsTheConversionAndLeavesNoOutput() throws IOException {
        Path in = dir.resolve("bad.txt");
        Files.writeString(in, "1.3.3.1.2.4.4.2.\n1.3.3.1.2.4.4.2\n");
        Path out = dir.resolve("bad.csv");
        TrmException e = assertThrows(TrmException.class, () -> SudokuConverter.linesToCsv(in, out));
        assertTrue(e.getMessage().contains(in + ":2:"), e.getMessage());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("bad.csv.part")));
    }
}
