package trm.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import trm.trainer.data.maze.MazeCsv;
import trm.trainer.data.maze.MazeExample;
import trm.trainer.data.maze.MazeGenerator;
import trm.trainer.data.maze.MazeText;

/** The maze commands end to end: data, train (maze-att, valid-shortest-path metric), eval, solve with a picture. */
class MazeCliTest {
    @TempDir
    static Path dir;
    static Path run;

    /** A tiny maze-att model trained two steps on generated 6×6 mazes through the command line. */
    @BeforeAll
    static void train() {
        run = dir.resolve("run");
        CliTest.Result r = CliTest.run("train", "--data", "gen-maze:6:40:6:1", "--test-data", "gen-maze:6:8:6:2", "--hidden", "32",
                "--layers", "1", "--h-cycles", "1", "--l-cycles", "1", "--halt-max-steps", "2", "--puzzle-emb-len", "1",
                "--steps", "2", "--batch", "4", "--lr", "1e-3", "--warmup", "0", "--weight-decay", "0.1", "--ema-rate", "0.9",
                "--log-interval", "1", "--run", run.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void trainUsesTheMazePresetAndReportsValidShortestPaths() throws Exception {
        var spec = MetricsFormat.JSON.readTree(run.resolve("run.json").toFile());
        assertEquals("maze-att", spec.get("preset").asText(), "the maze preset by default");
        var config = spec.get("config");
        assertEquals(36, config.get("seq_len").asInt());
        assertEquals(6, config.get("vocab_size").asInt());
        assertEquals("rope", config.get("pos_encodings").asText());
        String metrics = Files.readString(run.resolve("metrics.jsonl"));
        assertTrue(metrics.contains("\"kind\":\"eval\"") && metrics.contains("\"valid_shortest_path\""), metrics);
        CliTest.Result eval = CliTest.run("eval", "--weights", run.resolve("model.safetensors").toString(), "--data", "gen-maze:6:6:6:3");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("valid shortest path") && eval.out().contains("\"valid_shortest_path\""), eval.out());
    }

    /** --pos-encodings rope2d and --heads override the preset, are stored in run.json and the checkpoint, and the model solves. */
    @Test
    void trainWithRope2dAndSolve() throws Exception {
        Path r2 = dir.resolve("run2d");
        CliTest.Result r = CliTest.run("train", "--data", "gen-maze:6:40:6:1", "--hidden", "32", "--heads", "4", "--pos-encodings", "rope2d",
                "--layers", "1", "--h-cycles", "1", "--l-cycles", "1", "--halt-max-steps", "2", "--puzzle-emb-len", "1",
                "--steps", "2", "--batch", "4", "--lr", "1e-3", "--warmup", "0", "--weight-decay", "0.1", "--ema-rate", "0.9",
                "--log-interval", "1", "--run", r2.toString());
        assertEquals(0, r.code(), r.err());
        var config = MetricsFormat.JSON.readTree(r2.resolve("run.json").toFile()).get("config");
        assertEquals("rope2d", config.get("pos_encodings").asText());
        assertEquals(4, config.get("num_heads").asInt());
        Path mazes = dir.resolve("two2d.txt");
        MazeText.write(mazes, MazeGenerator.generate(6, 6, 2, MazeGenerator.Target.minPath(6), 9, "s"), false);
        CliTest.Result solved = CliTest.run("solve", "--maze", mazes.toString(), "--weights", r2.resolve("model.safetensors").toString());
        assertEquals(solved.out().contains("NOT a valid shortest path") ? Exit.NO_VALID_RESULT : Exit.OK, solved.code(), solved.err());
        assertTrue(solved.out().contains("of 2 solved"), solved.out());
        CliTest.Result info = CliTest.run("info", "--weights", r2.resolve("model.safetensors").toString());
        assertTrue(info.out().contains("rope2d positions"), info.out());
        CliTest.assertUserError(CliTest.run("train", "--data", "gen-maze:6:40:6:1", "--pos-encodings", "rope3d", "--run", dir.resolve("x").toString()),
                "pos_encodings must be rope, learned, none or rope2d, not 'rope3d'");
    }

    @Test
    void dataGeneratesAndConverts() throws Exception {
        Path csv = dir.resolve("eight.csv");
        CliTest.Result r = CliTest.run("data", "maze", "--generate", "12", "--size", "8", "--min-path", "10", "--seed", "4", "--out", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote 12 mazes to " + csv), r.out());
        List<MazeExample> mazes = MazeCsv.readAll(csv);
        assertEquals(12, mazes.size());
        for (MazeExample e : mazes) assertTrue(e.rating() >= 10);
        Path questions = dir.resolve("questions.txt");
        MazeText.write(questions, mazes, false);
        Path labelled = dir.resolve("labelled.csv");
        r = CliTest.run("data", "maze", "--convert", questions.toString(), "--out", labelled.toString());
        assertEquals(0, r.code(), r.err());
        List<MazeExample> back = MazeCsv.readAll(labelled);
        for (int i = 0; i < mazes.size(); i++) assertEquals(mazes.get(i).withSource("questions.txt"), back.get(i));
    }

    @Test
    void solvePrintsTheAnswerItsVerdictAndDrawsIt() throws Exception {
        Path mazes = dir.resolve("six.txt");
        MazeText.write(mazes, MazeGenerator.generate(6, 6, 2, MazeGenerator.Target.minPath(6), 9, "s"), false);
        Path png = dir.resolve("answer.png");
        CliTest.Result r = CliTest.run("solve", "--weights", run.resolve("model.safetensors").toString(), "--maze", mazes.toString(),
                "--trace", "--png", png.toString());
        assertEquals(r.out().contains("NOT a valid shortest path") ? Exit.NO_VALID_RESULT : Exit.OK, r.code(), r.err()); // exit 4: some answer not valid
        assertTrue(r.out().contains("after supervision step 2"), r.out());
        assertTrue(r.out().contains("valid shortest path"), r.out());
        assertTrue(r.out().contains("of 2 solved"), r.out());
        for (String name : List.of("answer-1.png", "answer-2.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
            assertEquals(6 * 24 + 1, image.getWidth());
            assertEquals(6 * 24 + 1, image.getHeight());
        }
    }

    @Test
    void mistakesGiveOneLine() throws Exception {
        String model = run.resolve("model.safetensors").toString();
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "S..#..\n######\n......\n......\n......\n.....G\n\nS...G\n");
        CliTest.assertUserError(CliTest.run("solve", "--weights", model, "--maze", bad.toString()),
                bad + ":8: maze is 1x5 but the model solves 6x6 mazes");
        Path eight = dir.resolve("eight.txt");
        MazeText.write(eight, MazeGenerator.generate(8, 8, 1, MazeGenerator.Target.minPath(6), 1, "e"), false);
        CliTest.assertUserError(CliTest.run("solve", "--weights", model, "--maze", eight.toString()), "maze is 8x8 but the model solves 6x6 mazes");
        Path sudoku = dir.resolve("sudoku");
        CliTest.Result s = CliTest.run("train", "--data", "gen:6:20:0:1", "--hidden", "32", "--layers", "1", "--h-cycles", "1", "--l-cycles", "1",
                "--halt-max-steps", "1", "--steps", "1", "--batch", "2", "--warmup", "0", "--run", sudoku.toString());
        assertEquals(0, s.code(), s.err());
        CliTest.assertUserError(CliTest.run("solve", "--weights", sudoku.resolve("model.safetensors").toString(), "--maze", eight.toString()),
                "not a maze model");
        CliTest.assertUserError(CliTest.run("solve", "--maze", eight.toString()), "--maze needs --weights");
        CliTest.assertUserError(CliTest.run("solve", "--png", "x.png"), "--png draws mazes: give --maze FILE");
        CliTest.assertUserError(CliTest.run("data", "maze", "--generate", "2", "--size", "5", "--min-path", "30", "--out", "x.csv"),
                "a path of 30 steps cannot fit in 5x5 cells");
        CliTest.assertUserError(CliTest.run("train", "--data", "gen-maze:6:x", "--steps", "1"),
                "bad data spec 'gen-maze:6:x' (expected gen-maze:SIZE:COUNT:MINPATH:SEED");
        CliTest.assertUserError(CliTest.run("train", "--data", "maze:" + dir.resolve("none.csv"), "--steps", "1"), "data file not found");
    }
}
