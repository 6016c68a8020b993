package trm.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import trm.engine.TrmException;

/**
 * Training hyperparameters, named as in the reference's cfg_pretrain where it has them.
 * The command line's defaults are the reference's Sudoku run (see TrainCommand).
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
        @JsonProperty("optimizer") String optimizer,
        @JsonProperty("adamw_eps") double adamwEps,
        @JsonProperty("ema") boolean ema,
        @JsonProperty("ema_rate") double emaRate,
        @JsonProperty("seed") long seed) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public TrainOptions {
        if (batch <= 0) throw new TrmException("batch must be positive");
        if (steps <= 0) throw new TrmException("steps must be positive");
        if (!(lr > 0)) throw new TrmException("lr must be positive");
        if (lrMinRatio < 0 || lrMinRatio > 1) throw new TrmException("lr_min_ratio must be in [0, 1]");
        if (warmupSteps < 0) throw new TrmException("lr_warmup_steps must not be negative");
        if (emaRate < 0 || emaRate >= 1) throw new TrmException("ema_rate must be in [0, 1)");
        Optimizer.parse(optimizer);
    }

    public Optimizer optimizerKind() { return Optimizer.parse(optimizer); }

    public TrainOptions withSteps(long steps) {
        return new TrainOptions(batch, steps, lr, lrMinRatio, warmupSteps, beta1, beta2, weightDecay, puzzleEmbLr,
                puzzleEmbWeightDecay, optimizer, adamwEps, ema, emaRate, seed);
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
