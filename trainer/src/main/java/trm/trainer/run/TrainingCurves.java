package trm.trainer.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import trm.engine.TrmException;
import trm.trainer.data.Png;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training curves of a run as one PNG, drawn with JFreeChart from {@code metrics.jsonl}:
 * four panels against the optimizer step — lm_loss, exact accuracy, q_halt accuracy and the
 * mean supervision steps — each with the training records (a line) and the evaluation records
 * (a line with a dot per evaluation). A null value (a non-finite metric) leaves a gap. {@code trm
 * train} rewrites {@link #FILE} in the run folder at each evaluation and at the end;
 * {@code trm plot --run DIR} redraws it from an existing run.
 */
public final class TrainingCurves {
    /** The picture's name in a run folder. */
    public static final String FILE = "curves.png";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PANEL_W = 560, PANEL_H = 360;

    /** One panel: the metrics.jsonl key, the panel's title and its y-axis label. */
    private record Panel(String key, String title, String axis) {}

    private static final List<Panel> PANELS = List.of(
            new Panel("lm_loss", "loss (lm_loss)", "loss"),
            new Panel("exact_accuracy", "exact accuracy (whole grid right)", "fraction"),
            new Panel("q_halt_accuracy", "q_halt accuracy", "fraction"),
            new Panel("steps", "supervision steps (mean)", "steps"));

    private TrainingCurves() {}

    /** Draws {@code metrics} (a metrics.jsonl) into {@code png}; returns how many records it drew. */
    public static int write(Path metrics, Path png, String title) {
        List<JsonNode> records = read(metrics);
        long drawn = records.stream().filter(r -> isCurve(r.path("kind").asText())).count();
        if (drawn == 0) throw new TrmException(metrics + ": no train or eval records to draw yet");
        Png.write(draw(records, title), png);
        return (int) drawn;
    }

    /** The picture: a 2 × 2 grid of panels under nothing but their own titles. */
    static BufferedImage draw(List<JsonNode> records, String title) {
        BufferedImage image = new BufferedImage(2 * PANEL_W, 2 * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < PANELS.size(); i++) {
                JFreeChart chart = chart(records, PANELS.get(i), title);
                chart.draw(g, new Rectangle2D.Double((i % 2) * PANEL_W, (i / 2) * PANEL_H, PANEL_W, PANEL_H));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static JFreeChart chart(List<JsonNode> records, Panel panel, String title) {
        XYSeries train = new XYSeries("train", true, true), eval = new XYSeries("eval (held out)", true, true);
        for (JsonNode r : records) {
            String kind = r.path("kind").asText();
            if (!isCurve(kind) || !r.path("step").isNumber()) continue;
            JsonNode v = r.get(panel.key());
            XYSeries s = kind.equals("train") ? train : eval;
            if (v == null || !v.isNumber()) s.add(r.get("step").asDouble(), null); // a gap where the value was not finite
            else s.add(r.get("step").asDouble(), v.asDouble());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(train);
        data.addSeries(eval);
        JFreeChart chart = ChartFactory.createXYLineChart(title + ": " + panel.title(), "step", panel.axis(), data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(13f));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xd0d0d0));
        plot.setRangeGridlinePaint(new Color(0xd0d0d0));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, new Color(0x2563eb));
        renderer.setSeriesPaint(1, new Color(0xdc2626));
        renderer.setSeriesStroke(0, new BasicStroke(1.5f));
        renderer.setSeriesStroke(1, new BasicStroke(2f));
        renderer.setSeriesShapesVisible(1, true);
        plot.setRenderer(renderer);
        return chart;
    }

    private static boolean isCurve(String kind) {
        return kind.equals("train") || kind.equals("eval");
    }

    /** Every record of a metrics.jsonl; a line that is not a JSON object is one error naming file and line. */
    static List<JsonNode> read(Path metrics) {
        if (!Files.isRegularFile(metrics)) throw new TrmException(metrics + ": no such file (a run folder holds metrics.jsonl once training logs)");
        String text;
        try {
            text = Files.readString(metrics, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TrmException("cannot read " + metrics + ": " + e.getMessage());
        }
        // A running trainer may be half-way through appending the last line: only whole lines count.
        List<String> lines = List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n"));
        List<JsonNode> records = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                JsonNode n = JSON.readTree(lines.get(i));
                if (n == null || !n.isObject()) throw new TrmException(metrics + ":" + (i + 1) + ": not a JSON object");
                records.add(n);
            } catch (JsonProcessingException e) {
                throw new TrmException(metrics + ":" + (i + 1) + ": not JSON (" + e.getOriginalMessage() + ")");
            }
        }
        return records;
    }
}
