package trm.trainer.data.maze;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import trm.engine.TrmException;

/**
 * Draws a maze and an answer as a PNG (JDK only: java.awt.image and javax.imageio, headless):
 * walls dark, open cells white, the answer's path cells blue, S green and G red (from the maze,
 * so they show even when the answer lost them), and the exact
 * solver's shortest path as small dots, so that a person sees at a glance whether the model's
 * path is the right one. Cells whose token is no cell are drawn magenta.
 */
public final class MazePicture {
    private static final Color WALL = new Color(0x2b2b2b);
    private static final Color OPEN = Color.WHITE;
    private static final Color PATH = new Color(0x3b82f6);
    private static final Color START = new Color(0x16a34a);
    private static final Color GOAL = new Color(0xdc2626);
    private static final Color NO_CELL = new Color(0xd946ef);
    private static final Color GRID = new Color(0xd0d0d0);
    private static final Color DOT = new Color(0xf59e0b);

    private MazePicture() {}

    /** The picture, {@code cellPixels} per cell side. */
    public static BufferedImage draw(MazeGrid question, MazeGrid answer, int cellPixels) {
        int h = question.height();
        int w = question.width();
        BufferedImage image = new BufferedImage(w * cellPixels + 1, h * cellPixels + 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(GRID);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < h * w; i++) {
                // S and G come from the question, so they show even when the answer lost them.
                int asked = question.cell(i);
                boolean end = asked == MazeCell.START.code() || asked == MazeCell.GOAL.code();
                g.setColor(colour(end ? asked : answer.cell(i)));
                g.fillRect((i % w) * cellPixels + 1, (i / w) * cellPixels + 1, cellPixels - 1, cellPixels - 1);
            }
            MazeSolver.Solution best = new MazeSolver(h, w).solve(question.cells());
            int dot = Math.max(2, cellPixels / 4);
            g.setColor(DOT);
            int[] path = best.path();
            for (int k = 1; k < path.length - 1; k++) {
                int cx = (path[k] % w) * cellPixels + (cellPixels + 1) / 2;
                int cy = (path[k] / w) * cellPixels + (cellPixels + 1) / 2;
                g.fillOval(cx - dot / 2, cy - dot / 2, dot, dot);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the picture to {@code file} as PNG. */
    public static void write(Path file, MazeGrid question, MazeGrid answer, int cellPixels) {
        try {
            if (!ImageIO.write(draw(question, answer, cellPixels), "png", file.toFile())) {
                throw new TrmException("cannot write " + file + ": no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new TrmException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static Color colour(int code) {
        if (code == MazeGrid.NO_CELL) return NO_CELL;
        return switch (MazeCell.ofCode(code)) {
            case WALL -> WALL;
            case OPEN -> OPEN;
            case START -> START;
            case GOAL -> GOAL;
            case PATH -> PATH;
        };
    }
}
