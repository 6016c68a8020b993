package trm.trainer.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.cpu.CpuDevice;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.trainer.TrainOptions;
import trm.trainer.Trainer;
import trm.trainer.data.sudoku.SudokuDataset;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuSource;
import trm.trainer.data.sudoku.SudokuGeometry;
import trm.trainer.data.sudoku.SudokuTask;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * solve picks the shipped model by grid size (and --weights overrides), verdicts name conflicts,
 * --fallback solver prints the solver's solution labelled as such, --trace --png draws the steps,
 * and train writes curves.png that plot redraws. Never depends on a model being right: verdicts
 * are checked on constructed answers, and solve's output on whichever answer came.
 */
class ShippedModelsTest {
    @TempDir
    static Path root;
    static String oldRoot;
    static Path weights;

    /** A small 4×4 model after one training step (CliTest uses it too): enough to exercise solve, never to be right. */
    static void miniModel(Path file) {
        var g = SudokuGeometry.MINI;
        TrmConfig c = TrmConfig.builder().hiddenSize(32).numHeads(2).expansion(2).layers(1).hCycles(1).lCycles(1).mlpT(true)
                .posEncoding(PosEncoding.NONE).puzzleEmbLen(1).haltMaxSteps(3).seqLen(16).vocabSize(6).build();
        var data = new SudokuDataset(new SudokuGenerator(g, 1).generate(20, SudokuGenerator.Target.any(), "t"));
        Trainer t = new Trainer(c, TrainOptions.builder().batch(4).steps(2).lr(1e-3).warmupSteps(0).weightDecay(0.1)
                        .puzzleEmbLr(1e-3).puzzleEmbWeightDecay(0.1).emaRate(0.9).build(),
                new CpuDevice(), new SudokuSource(data, 0, true));
        t.trainStep();
        t.saveModel(file);
    }

    /** A root whose weights/ holds the 4×4 test model and the shipped 6×6 one (not 9×9). */
    @BeforeAll
    static void shippedRoot() throws IOException {
        Files.createDirectories(root.resolve("weights"));
        weights = root.resolve("weights/mini.safetensors");
        miniModel(weights);
        Files.copy(Path.of("../weights/sudoku6-mlp.safetensors"), root.resolve("weights/sudoku6-mlp.safetensors"));
        Files.writeString(root.resolve("weights/notes.txt"), "not a model");
        oldRoot = System.getProperty("trm.root");
        System.setProperty("trm.root", root.toString());
    }

    @AfterAll
    static void restore() {
        if (oldRoot == null) System.clearProperty("trm.root");
        else System.setProperty("trm.root", oldRoot);
    }

    @Test
    void picksTheModelForTheGridSize() {
        CliTest.Result four = CliTest.run("solve", "1...........4..2");
        assertTrue(four.out().startsWith("model: the shipped 4×4 (weights/mini.safetensors)"), four.out());
        assertTrue(four.code() == Exit.OK || four.code() == Exit.NO_VALID_RESULT, four.err());
        CliTest.Result six = CliTest.run("solve", "41.3..2.......2.......6...56.....4..");
        assertTrue(six.out().startsWith("model: the shipped 6×6 (weights/sudoku6-mlp.safetensors)"), six.out());
        // none for 9×9: one line naming the sizes there are
        CliTest.assertUserError(CliTest.run("solve", "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"),
                "no shipped model solves 9×9 puzzles (shipped: 4×4 (weights/mini.safetensors), 6×6 (weights/sudoku6-mlp.safetensors))");
        // --weights overrides: the 4×4 model refuses a 6×6 puzzle
        CliTest.assertUserError(CliTest.run("solve", "--weights", weights.toString(), "41.3..2.......2.......6...56.....4.."),
                "puzzle has 36 cells but the model solves 4×4 grids");
        CliTest.assertUserError(CliTest.run("solve", "1234"), "a grid of 4 characters is not a Sudoku");
        // no puzzle: the largest shipped grid
        CliTest.Result none = CliTest.run("solve");
        assertTrue(none.out().contains("freshly generated 6×6"), none.out());
    }

    /** Whatever the answer, solve prints a verdict consistent with the exit code; an invalid one lists its conflicts. */
    @Test
    void printsAVerdictAndTheSolversFallback() {
        CliTest.Result r = CliTest.run("solve", "--weights", weights.toString(), "--fallback", "solver", "1...........4..2", "..3.4......1.2..");
        for (String block : r.out().split("puzzle:\n")) {
            if (block.isBlank() || block.startsWith("model:")) continue;
            boolean invalid = block.contains("verdict: NOT a valid solution");
            assertTrue(invalid != block.contains("verdict: valid solution"), block);
            assertEquals(invalid, block.contains("fallback: the EXACT SOLVER's solution (not the model's"), block);
        }
        assertEquals(r.out().contains("verdict: NOT") ? Exit.NO_VALID_RESULT : Exit.OK, r.code(), "the fallback never makes exit 0: " + r.out());
        CliTest.assertUserError(CliTest.run("solve", "--fallback", "guess", "1...........4..2"), "--fallback takes 'solver'");
        CliTest.assertUserError(CliTest.run("solve", "--fallback", "solver", "--maze", "x.txt"), "--fallback solver is for Sudoku");
    }

    /** SudokuReport on a constructed wrong answer: the conflicts, then the solver's solution, which is the puzzle's unique one. */
    @Test
    void reportOnAConstructedWrongAnswer() {
        SudokuTask task = SudokuTask.of(SudokuGeometry.SIX);
        var ex = new SudokuGenerator(SudokuGeometry.SIX, 4).generate(SudokuGenerator.Target.any(), "t");
        int[] wrong = ex.answer();
        int blank = 0;
        while (ex.question(blank) != 0) blank++;
        wrong[blank] = wrong[blank] % 6 + 1; // a digit its row already holds
        var out = new ByteArrayOutputStream();
        SudokuReport.explain(new PrintStream(out, true, StandardCharsets.UTF_8), task, ex.question(), wrong, true);
        String text = out.toString(StandardCharsets.UTF_8);
        String at = "r" + (blank / 6 + 1) + "c" + (blank % 6 + 1);
        assertTrue(text.startsWith("verdict: NOT a valid solution: 3 repeated digits"), text);
        assertTrue(text.contains("  row " + (blank / 6 + 1) + ": digit " + wrong[blank] + " at "), text);
        assertTrue(text.contains(at), text);
        int fallback = text.indexOf("fallback: the EXACT SOLVER's solution (not the model's; the unique one");
        assertTrue(fallback > 0, text);
        assertTrue(text.substring(fallback).contains(task.render(ex.answer(), null)), text);
        out.reset();
        SudokuReport.explain(new PrintStream(out, true, StandardCharsets.UTF_8), task, ex.question(), ex.answer(), true);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("verdict: valid solution"), out.toString());
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("fallback"));
    }

    @Test
    void traceToPng() throws IOException {
        Path png = root.resolve("trace.png");
        CliTest.Result r = CliTest.run("solve", "--weights", weights.toString(), "--trace", "--png", png.toString(), "1...........4..2");
        assertTrue(r.code() == Exit.OK || r.code() == Exit.NO_VALID_RESULT, r.err());
        int steps = (int) r.out().lines().filter(l -> l.startsWith("after supervision step")).count();
        assertTrue(r.out().contains("picture of the recursion (puzzle, then steps 1.." + steps + "): " + png), r.out());
        BufferedImage img = ImageIO.read(png.toFile());
        int px = 40, gap = px / 2, panels = steps + 1;
        assertEquals(gap + Math.min(4, panels) * (4 * px + gap), img.getWidth());
        assertEquals(gap + ((panels + 3) / 4) * (px + 4 * px + gap), img.getHeight());
        CliTest.assertUserError(CliTest.run("solve", "--png", png.toString(), "1...........4..2"), "--png draws mazes: give --maze FILE");
    }

    @Test
    void trainDrawsCurvesThatPlotRedraws() throws IOException {
        Path run = root.resolve("run");
        CliTest.Result t = CliTest.run("train", "--data", "gen:4:8:0:1", "--test-data", "gen:4:2:0:2", "--hidden", "32", "--layers", "1",
                "--steps", "4", "--batch", "4", "--lr", "1e-3", "--warmup", "1", "--weight-decay", "0.1", "--halt-max-steps", "2",
                "--h-cycles", "1", "--l-cycles", "1", "--puzzle-emb-len", "1", "--ema-rate", "0.9", "--eval-interval", "2",
                "--log-interval", "1", "--run", run.toString());
        assertEquals(Exit.OK, t.code(), t.err());
        Path curves = run.resolve("curves.png");
        assertTrue(Files.size(curves) > 1000, "curves.png");
        Files.delete(curves);
        Path other = root.resolve("other.png");
        CliTest.Result p = CliTest.run("plot", "--run", run.toString(), "--out", other.toString());
        assertEquals(Exit.OK, p.code(), p.err());
        assertTrue(p.out().contains("training curves (6 records of "), p.out()); // 4 train + 2 eval
        assertEquals(1120, ImageIO.read(other.toFile()).getWidth());
        CliTest.assertUserError(CliTest.run("plot", "--run", root.resolve("nothing").toString()), "no such folder");
    }
}
