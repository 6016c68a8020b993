package trm.trainer.data.sudoku;

import trm.trainer.data.TextLines;

import java.nio.file.Path;

/** The Sudoku readers' name for {@link TextLines}. */
final class NumberedLineReader extends TextLines {
    NumberedLineReader(Path file) {
        super(file);
    }
}
