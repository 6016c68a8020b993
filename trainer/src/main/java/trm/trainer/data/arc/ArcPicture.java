package trm.trainer.data.arc;

import trm.engine.TrmException;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Grids for people: side by side as digits for a terminal, or as a PNG in the ARC colours
 * (the palette of the ARC-AGI web viewer). A null grid is drawn as "(none)".
 */
public final class ArcPicture {
    /** ARC's colours 0..9: black, blue, red, green, yellow, grey, magenta, orange, sky, maroon. */
    public static final int[] PALETTE = {0x000000, 0x0074D9, 0xFF4136, 0x2ECC40, 0xFFDC00, 0xAAAAAA, 0xF012BE, 0xFF851B, 0x7FDBFF, 0x870C25};

    private static int panelWidth(Panel p, int cell) {
        return Math.max((p.grid() == null ? 1 : p.grid().width()) * cell, 7 * p.title().length());
    }

    /** A grid with a caption. */
    public record Panel(String title, ArcGrid grid) {}

    private ArcPicture() {}

    /** The panels side by side, titles on top, digits below; three spaces between panels. */
    public static String text(List<Panel> panels) {
        List<List<String>> cols = new ArrayList<>();
        int height = 0;
        for (Panel p : panels) {
            List<String> lines = new ArrayList<>();
            lines.add(p.title());
            if (p.grid() == null) lines.add("(none)");
            else lines.addAll(p.grid().toString().lines().toList());
            cols.add(lines);
            height = Math.max(height, lines.size());
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < height; r++) {
            StringBuilder line = new StringBuilder();
            for (List<String> col : cols) {
                int w = col.stream().mapToInt(String::length).max().orElse(0);
                String s = r < col.size() ? col.get(r) : "";
                line.append(s).append(" ".repeat(w - s.length() + 3));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** Draws each row of panels side by side (rows one under another), {@code cell} pixels per cell, and writes a PNG. */
    public static void png(Path file, List<List<Panel>> rows, int cell) {
        int gap = 2 * cell, caption = 16, width = 0, height = gap;
        for (List<Panel> row : rows) {
            int w = gap, h = cell;
            for (Panel p : row) {
                w += panelWidth(p, cell) + gap;
                if (p.grid() != null) h = Math.max(h, p.grid().height() * cell);
            }
            width = Math.max(width, w);
            height += caption + h + gap;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int top = gap;
        for (List<Panel> row : rows) {
            int x = gap, h = cell;
            for (Panel p : row) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(p.title(), x, top + 12);
                ArcGrid a = p.grid();
                if (a != null) {
                    h = Math.max(h, a.height() * cell);
                    for (int r = 0; r < a.height(); r++)
                        for (int c = 0; c < a.width(); c++) {
                            g.setColor(new Color(PALETTE[a.at(r, c)]));
                            g.fillRect(x + c * cell, top + caption + r * cell, cell, cell);
                            g.setColor(Color.GRAY); // ARC's thin grid lines
                            g.drawRect(x + c * cell, top + caption + r * cell, cell, cell);
                        }
                }
                x += panelWidth(p, cell) + gap;
            }
            top += caption + h + gap;
        }
        g.dispose();
        try {
            if (!ImageIO.write(img, "png", file.toFile())) throw new TrmException("cannot write " + file + ": no PNG writer");
        } catch (IOException e) {
            throw new TrmException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
