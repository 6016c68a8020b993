package trm.trainer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import trm.engine.TrmException;

/** The optimizers the trainer can run on the flat parameters. */
public enum Optimizer {
    ADAM_ATAN2, ADAMW;

    /** The name on the command line and in train_options: adam-atan2 or adamw. */
    @JsonValue
    public String key() { return this == ADAM_ATAN2 ? "adam-atan2" : "adamw"; }

    @JsonCreator
    public static Optimizer parse(String s) {
        return switch (s.toLowerCase().replace("-", "").replace("_", "")) {
            case "adamatan2" -> ADAM_ATAN2;
            case "adamw" -> ADAMW;
            default -> throw new TrmException("unknown optimizer '" + s + "' (expected adam-atan2 or adamw)");
        };
    }
}
