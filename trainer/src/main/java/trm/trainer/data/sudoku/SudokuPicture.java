package trm.trainer.data.sudoku;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import trm.trainer.data.Png;

/**
 * The recursion of one Sudoku as a PNG (JDK only: java.awt.image and javax.imageio, headless):
 * one image, panels left to right and then in rows of {@value #PER_ROW} — the puzzle, then the
 * answer after each supervision step. Givens are black, the model's digits blue; a cell whose
 * digit changed since the panel before has a yellow background; digits in conflict (a repeat,
 * a changed given: {@link SudokuVerdict}) are red. Each panel's title says "solved" or how many
 * cells are in conflict.
 */
public final class SudokuPicture {
    static final int PER_ROW = 4;
    private static final Color BACKGROUND = Color.WHITE;
    private static final Color GIVEN = Color.BLACK;
    private static final Color FILLED = new Color(0x1d4ed8);
    private static final Color CONFLICT = new Color(0xdc2626);
    private static final Color CHANGED = new Color(0xfde68a);
    private static final Color THIN = new Color(0xb0b0b0);
    private static final Color SOLVED = new Color(0x15803d);

    private SudokuPicture() {}

    /**
     * The picture: {@code steps} are the answers after supervision steps 1, 2, ... (cells, 0 = blank);
     * {@code cellPixels} per cell side.
     */
    public static BufferedImage draw(SudokuGeometry g, int[] puzzle, List<int[]> steps, int cellPixels) {
        int n = g.size(), grid = n * cellPixels, title = cellPixels, gap = cellPixels / 2;
        int panels = steps.size() + 1, cols = Math.min(PER_ROW, panels), rows = (panels + PER_ROW - 1) / PER_ROW;
        int panelW = grid + gap, panelH = title + grid + gap;
        BufferedImage image = new BufferedImage(gap + cols * panelW, gap + rows * panelH, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = image.createGraphics();
        try {
            gr.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            gr.setColor(BACKGROUND);
            gr.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int p = 0; p < panels; p++) {
                int x = gap + (p % PER_ROW) * panelW, y = gap + (p / PER_ROW) * panelH;
                int[] cells = p == 0 ? puzzle : steps.get(p - 1);
                int[] previous = p == 0 ? null : p == 1 ? puzzle : steps.get(p - 2);
                String heading;
                Color headingColour = GIVEN;
                int[] conflicts = new int[0];
                if (p == 0) {
                    heading = "puzzle (" + SudokuRules.clueCount(puzzle) + " givens)";
                } else {
                    SudokuVerdict v = SudokuVerdict.of(g, puzzle, cells);
                    conflicts = v.conflictCells();
                    heading = "step " + p + ": " + (v.valid() ? "solved" : conflicts.length + " in conflict");
                    if (v.valid()) headingColour = SOLVED;
                }
                gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, cellPixels * 9 / 20)));
                gr.setColor(headingColour);
                gr.drawString(heading, x, y + title * 2 / 3);
                panel(gr, g, x, y + title, cellPixels, puzzle, cells, previous, conflicts);
            }
        } finally {
            gr.dispose();
        }
        return image;
    }

    private static void panel(Graphics2D gr, SudokuGeometry g, int x0, int y0, int px, int[] puzzle, int[] cells, int[] previous,
                              int[] conflicts) {
        int n = g.size();
        boolean[] inConflict = new boolean[cells.length];
        for (int c : conflicts) inConflict[c] = true;
        gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, px * 3 / 5));
        FontMetrics fm = gr.getFontMetrics();
        for (int cell = 0; cell < cells.length; cell++) {
            int x = x0 + g.col(cell) * px, y = y0 + g.row(cell) * px;
            if (previous != null && previous[cell] != cells[cell]) {
                gr.setColor(CHANGED);
                gr.fillRect(x, y, px, px);
            }
            int v = cells[cell];
            if (v < 1 || v > n) continue;
            gr.setColor(inConflict[cell] ? CONFLICT : puzzle[cell] != 0 ? GIVEN : FILLED);
            String s = Integer.toString(v);
            gr.drawString(s, x + (px - fm.stringWidth(s)) / 2, y + (px + fm.getAscent() - fm.getDescent()) / 2);
        }
        for (int i = 0; i <= n; i++) {
            boolean rowLine = i % g.boxRows() == 0, colLine = i % g.boxCols() == 0;
            gr.setColor(rowLine ? GIVEN : THIN);
            gr.setStroke(new BasicStroke(rowLine ? 2f : 1f));
            gr.drawLine(x0, y0 + i * px, x0 + n * px, y0 + i * px);
            gr.setColor(colLine ? GIVEN : THIN);
            gr.setStroke(new BasicStroke(colLine ? 2f : 1f));
            gr.drawLine(x0 + i * px, y0, x0 + i * px, y0 + n * px);
        }
    }

    /** Writes the picture to {@code file} as PNG (atomically: a temporary file beside it, then a move). */
    public static void write(Path file, SudokuGeometry g, int[] puzzle, List<int[]> steps, int cellPixels) {
        Png.write(draw(g, puzzle, steps, cellPixels), file);
    }
}
