package trm.trainer;

import trm.engine.TrmException;

/** The optimizers the trainer can run on the flat parameters. */
public enum Optimizer {
    ADAM_ATAN2, ADAMW;

    public static Optimizer parse(String s) {
        return switch (s.toLowerCase().replace("-", "").replace("_", "")) {
            case "adamatan2" -> ADAM_ATAN2;
            case "adamw" -> ADAMW;
            default -> throw new TrmException("unknown optimizer '" + s + "' (expected adam-atan2 or adamw)");
        };
    }
}
