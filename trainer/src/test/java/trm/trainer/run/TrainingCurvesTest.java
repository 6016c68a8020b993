package trm.trainer.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.TrmException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training-curve PNG from a metrics.jsonl: drawn from train and eval records; bad lines named; a half-written last line ignored. */
class TrainingCurvesTest {
    @TempDir
    Path dir;

    private static final String RECORDS = """
            {"count":32,"accuracy":0.3,"exact_accuracy":0.0,"q_halt_accuracy":0.9,"steps":4.0,"lm_loss":1.9,"q_halt_loss":0.1,"kind":"train","step":10}
            {"count":32,"accuracy":0.6,"exact_accuracy":0.2,"q_halt_accuracy":0.8,"steps":3.5,"lm_loss":null,"q_halt_loss":0.1,"kind":"train","step":20}
            {"count":8,"accuracy":0.7,"exact_accuracy":0.25,"q_halt_accuracy":0.75,"steps":4.0,"lm_loss":1.1,"q_halt_loss":0.2,"kind":"eval","step":20}
            {"kind":"resume","step":20,"changes":["--steps 20 -> 40"]}
            """;

    @Test
    void drawsFourPanelsFromTrainAndEval() throws IOException {
        Path m = dir.resolve("metrics.jsonl");
        Files.writeString(m, RECORDS + "{\"kind\":\"train\",\"st"); // a trainer half-way through a line
        Path png = dir.resolve("curves.png");
        assertEquals(3, TrainingCurves.write(m, png, "t"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1120, img.getWidth());
        assertEquals(720, img.getHeight());
        // the eval series is red (0xdc2626), the train series blue (0x2563eb); the legends hold both colours
        // whatever the data, so compare with the picture of the same records without the eval one
        Path trainOnly = dir.resolve("train.jsonl");
        Files.writeString(trainOnly, RECORDS.lines().filter(l -> !l.contains("\"eval\"")).map(l -> l + "\n").reduce("", String::concat));
        Path png0 = dir.resolve("train.png");
        assertEquals(2, TrainingCurves.write(trainOnly, png0, "t"));
        BufferedImage img0 = ImageIO.read(png0.toFile());
        assertTrue(count(img, 0xdc2626) > count(img0, 0xdc2626) + 40, "no eval points drawn");
        assertTrue(count(img0, 0x2563eb) > 200, "no train curve drawn");
        assertTrue(Files.notExists(dir.resolve("curves.png.tmp")));
    }

    @Test
    void badInputIsOneLine() throws IOException {
        Path m = dir.resolve("metrics.jsonl");
        Files.writeString(m, RECORDS.lines().findFirst().orElseThrow() + "\nnot json\n");
        TrmException e = assertThrows(TrmException.class, () -> TrainingCurves.write(m, dir.resolve("c.png"), "t"));
        assertTrue(e.getMessage().startsWith(m + ":2: not JSON"), e.getMessage());
        Files.writeString(m, "{\"kind\":\"resume\",\"step\":3}\n");
        e = assertThrows(TrmException.class, () -> TrainingCurves.write(m, dir.resolve("c.png"), "t"));
        assertTrue(e.getMessage().contains("no train or eval records"), e.getMessage());
        e = assertThrows(TrmException.class, () -> TrainingCurves.write(dir.resolve("none.jsonl"), dir.resolve("c.png"), "t"));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
        return n;
    }
}
