package trm.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Cross-entropy flavours of the lm head. The reference ships stablemax. */
public enum LossKind {
    SOFTMAX, STABLEMAX;

    /** The name configs use (loss_type): softmax or stablemax. */
    @JsonValue
    public String key() { return name().toLowerCase(Locale.ROOT); }

    @JsonCreator
    public static LossKind parse(String s) {
        return switch (s.toLowerCase().replace("_cross_entropy", "").replace("-", "")) {
            case "softmax" -> SOFTMAX;
            case "stablemax" -> STABLEMAX;
            default -> throw new TrmException("unknown loss '" + s + "' (expected softmax or stablemax)");
        };
    }
}
