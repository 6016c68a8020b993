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

class MazeTextTest {
    @TempDir
    Path dir;

    @Test
    void blockFormRoundTripsLabelledAndUnlabelled() {
        List<MazeExample> mazes = MazeGenerator.generate(10, 10, 5, MazeGenerator.Target.minPath(20), 3, "ten");
        Path answers = dir.resolve("answers.txt");
        Path questions = dir.resolve("questions.txt");
        MazeText.write(answers, mazes, true);
        MazeText.write(questions, mazes, false);
        List<MazeExample> fromAnswers = MazeText.readExamples(answers);
        List<MazeExample> fromQuestions = MazeText.readExamples(questions);
        for (int i = 0; i < mazes.size(); i++) {
            assertEquals(mazes.get(i).withSource("answers.txt"), fromAnswers.get(i));
            assertEquals(mazes.get(i).withSource("questions.txt"), fromQuestions.get(i), "the solver labels questions alike");
        }
        assertEquals(List.of(1, 12, 23, 34, 45), MazeText.readBlocks(questions).stream().map(MazeText.Block::line).toList());
    }

    @Test
    void spacesDotsCrlfAndNonSquareBlocks() throws IOException {
        Path file = write("S  #\r\n##.#\r\n#. #\r\n#G##\r\n\r\n\r\n" + String.join("\n", Mazes.DETOUR_SHORT) + "\n");
        List<MazeExample> mazes = MazeText.readExamples(file);
        assertEquals(2, mazes.size());
        assertEquals(new MazeExample(4, 4, Mazes.cells(Mazes.WINDING_QUESTION), Mazes.cells(Mazes.WINDING_ANSWER), 6, file.getFileName().toString()),
                mazes.get(0));
        assertEquals(3, mazes.get(1).height());
        assertEquals(4, mazes.get(1).width());
        assertEquals(2, mazes.get(1).rating());
    }

    @Test
    void everyMalformedBlockGivesOneLine() throws IOException {
        String good = String.join("\n", Mazes.WINDING_QUESTION) + "\n\n";
        // {block, line of the error (the file's first block takes lines 1-4, a blank line 5), fragment}
        Object[][] cases = {
                {"S..#\n##.\n#..#\n#G##", 7, "row has 3 cells but the maze's first row has 4 (write open cells as '.': editors strip trailing spaces)"},
                {"S..#\n##.##\n#..#\n#G##", 7, "row has 5 cells but the maze's first row has 4"},
                {"S..#\n##.#\n#.x#\n#G##", 8, "unknown character 'x' (expected one of '# SGo') at column 3"},
                {"...#\n##.#\n#..#\n#G##", 6, "question: no S (start)"},
                {"S..#\n##.#\n#..#\n#.##", 6, "question: no G (goal)"},
                {"S.S#\n##.#\n#..#\n#G##", 6, "question: more than one S (start): at row 1, column 1 and row 1, column 3"},
                {"S..#\n##.#\n#.G#\n#G##", 6, "question: more than one G (goal): at row 3, column 3 and row 4, column 2"},
                {"S#.#\n##.#\n#..#\n#G##", 6, "question: G cannot be reached from S"},
                {"S...\n....\n...G", 6, "question: the shortest path (5 steps) is not unique, so no label would be the only right answer"},
                {"So.#\n##.#\n#..#\n#G##", 6, "answer: the marked cells do not connect S to G"},
                {"Soo#\n##o#\n#oo#\n#Go#", 6, "answer: 1 marked cell is not on the path from S to G"},
                {String.join("\n", Mazes.DETOUR_LONG), 6, "answer: the marked path takes 8 steps but the shortest takes 2"},
        };
        for (Object[] c : cases) {
            Path file = write(good + c[0] + "\n");
            TrmException e = assertThrows(TrmException.class, () -> MazeText.readExamples(file), (String) c[2]);
            String message = e.getMessage();
            assertEquals(file + ":" + c[1] + ": " + c[2], message);
            assertFalse(message.contains("\n"));
        }
        Path empty = write("\n\n");
        TrmException e = assertThrows(TrmException.class, () -> MazeText.readExamples(empty));
        assertTrue(e.getMessage().startsWith(empty + ": no maze in the file"), e.getMessage());
    }

    private int files;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("m" + files++ + ".txt");
        Files.writeString(file, text);
        return file;
    }
}
