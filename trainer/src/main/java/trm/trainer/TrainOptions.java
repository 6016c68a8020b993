package trm.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import trm.engine.TrmException;

/**
 * Training hyperparameters, named as in the reference's cfg_pretrain where it has them.
 * Build them by name from the reference's Sudoku run ({@link #builder()}, also the command
 * line's defaults); {@link #toBuilder()} changes fields of existing options.
 */
public record TrainOptions(
        @JsonProperty("global_batch_size") int batch,
        @JsonProperty("total_steps") long steps,
        @JsonProperty("lr") double lr,
        @JsonProperty("lr_min_ratio") double lrMinRatio,
        @JsonProperty("lr_warmup_steps") long warmupSteps,
        @JsonProperty("beta1") double beta1,
        @JsonProperty("beta2") double beta2,
        @JsonProperty("weight_decay") double weightDecay,
        @JsonProperty("puzzle_emb_lr") double puzzleEmbLr,
        @JsonProperty("puzzle_emb_weight_decay") double puzzleEmbWeightDecay,
        @JsonProperty("optimizer") Optimizer optimizer,
        @JsonProperty("adamw_eps") double adamwEps,
        @JsonProperty("ema") boolean ema,
        @JsonProperty("ema_rate") double emaRate,
        @JsonProperty("seed") long seed) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public TrainOptions {
        // Every number must be finite first: "Infinity" would pass the range checks below.
        finite("lr", lr);
        finite("lr_min_ratio", lrMinRatio);
        finite("beta1", beta1);
        finite("beta2", beta2);
        finite("weight_decay", weightDecay);
        finite("puzzle_emb_lr", puzzleEmbLr);
        finite("puzzle_emb_weight_decay", puzzleEmbWeightDecay);
        finite("adamw_eps", adamwEps);
        finite("ema_rate", emaRate);
        if (batch <= 0) throw new TrmException("batch must be positive");
        if (steps <= 0) throw new TrmException("steps must be positive");
        if (!(lr > 0)) throw new TrmException("lr must be positive");
        if (lrMinRatio < 0 || lrMinRatio > 1) throw new TrmException("lr_min_ratio must be in [0, 1]");
        if (warmupSteps < 0) throw new TrmException("lr_warmup_steps must not be negative");
        if (emaRate < 0 || emaRate >= 1) throw new TrmException("ema_rate must be in [0, 1)");
        if (optimizer == null) throw new TrmException("optimizer must be adam-atan2 or adamw");
    }

    /** Refuses NaN and ±Infinity with a line naming the option; returns {@code v}. */
    public static double finite(String name, double v) {
        if (!Double.isFinite(v)) throw new TrmException(name + " must be a finite number, got " + v);
        return v;
    }

    public TrainOptions withSteps(long steps) {
        return toBuilder().steps(steps).build();
    }

    /** The reference's Sudoku run: see {@link Builder}. */
    public static Builder builder() { return new Builder(); }

    /** A builder holding every field of these options. */
    public Builder toBuilder() {
        return new Builder().batch(batch).steps(steps).lr(lr).lrMinRatio(lrMinRatio).warmupSteps(warmupSteps).beta1(beta1)
                .beta2(beta2).weightDecay(weightDecay).puzzleEmbLr(puzzleEmbLr).puzzleEmbWeightDecay(puzzleEmbWeightDecay)
                .optimizer(optimizer).adamwEps(adamwEps).ema(ema).emaRate(emaRate).seed(seed);
    }

    /**
     * Options by name. The defaults are the reference's Sudoku-Extreme run: global batch 768,
     * 65 100 steps (50 000 epochs of 1000 puzzles), AdamATan2 with lr 1e-4, betas 0.9 / 0.95 and
     * weight decay 1.0, a constant lr (lr_min_ratio 1) after 2000 warm-up steps, the puzzle
     * embedding's SignSGD at lr 1e-4 and weight decay 1.0, EMA 0.999 on, seed 0 (AdamW's eps 1e-8).
     */
    public static final class Builder {
        private int batch = 768;
        private long steps = 65_100, warmupSteps = 2000, seed = 0;
        private double lr = 1e-4, lrMinRatio = 1.0, beta1 = 0.9, beta2 = 0.95, weightDecay = 1.0;
        private double puzzleEmbLr = 1e-4, puzzleEmbWeightDecay = 1.0, adamwEps = 1e-8, emaRate = 0.999;
        private Optimizer optimizer = Optimizer.ADAM_ATAN2;
        private boolean ema = true;

        private Builder() {}

        public Builder batch(int v) { batch = v; return this; }
        public Builder steps(long v) { steps = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder lrMinRatio(double v) { lrMinRatio = v; return this; }
        public Builder warmupSteps(long v) { warmupSteps = v; return this; }
        public Builder beta1(double v) { beta1 = v; return this; }
        public Builder beta2(double v) { beta2 = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder puzzleEmbLr(double v) { puzzleEmbLr = v; return this; }
        public Builder puzzleEmbWeightDecay(double v) { puzzleEmbWeightDecay = v; return this; }
        public Builder optimizer(Optimizer v) { optimizer = v; return this; }
        public Builder adamwEps(double v) { adamwEps = v; return this; }
        public Builder ema(boolean v) { ema = v; return this; }
        public Builder emaRate(double v) { emaRate = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        /** The options, checked: a TrmException names the first problem. */
        public TrainOptions build() {
            return new TrainOptions(batch, steps, lr, lrMinRatio, warmupSteps, beta1, beta2, weightDecay, puzzleEmbLr,
                    puzzleEmbWeightDecay, optimizer, adamwEps, ema, emaRate, seed);
        }
    }

    /**
     * The reference's schedule: linear warm-up from step/warmup (the first step is step 1),
     * then cosine from base to base·lr_min_ratio at the last step.
     */
    public static double scheduledLr(double base, long step, long warmup, long total, double minRatio) {
        if (step < warmup) return base * step / Math.max(1, warmup);
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        return base * (minRatio + Math.max(0, (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrainOptions fromJson(String json, String source) {
        try {
            return JSON.readValue(json, TrainOptions.class);
        } catch (JsonProcessingException e) {
            for (Throwable c = e; c != null; c = c.getCause())
                if (c instanceof TrmException t) throw new TrmException(source + ": " + t.getMessage());
            throw new TrmException(source + ": bad training options (" + e.getOriginalMessage() + ")");
        }
    }
}
