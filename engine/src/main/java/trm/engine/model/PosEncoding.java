package trm.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import trm.engine.TrmException;

import java.util.Locale;

/**
 * How the attention variant learns positions (the reference's pos_encodings); the MLP-mixer ignores it.
 * {@link #ROPE2D} is our extension, not in the reference (which has 1-D rope only): rotary
 * angles from a cell's row and column on a square grid ({@link RopeTables#fill2d}).
 */
public enum PosEncoding {
    ROPE, LEARNED, NONE, ROPE2D;

    /** The reference's name: rope, learned or none; rope2d for our 2-D extension. */
    @JsonValue
    public String key() { return name().toLowerCase(Locale.ROOT); }

    /** Whether the attention rotates q and k by RoPE tables (1-D or 2-D). */
    public boolean rotary() { return this == ROPE || this == ROPE2D; }

    @JsonCreator
    public static PosEncoding parse(String s) {
        for (PosEncoding p : values()) if (p.key().equals(s)) return p;
        throw new TrmException("pos_encodings must be rope, learned, none or rope2d, not '" + s + "'");
    }
}
