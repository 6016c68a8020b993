package trm.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import trm.engine.TrmException;

import java.util.Locale;

/** How the attention variant learns positions (the reference's pos_encodings); the MLP-mixer ignores it. */
public enum PosEncoding {
    ROPE, LEARNED, NONE;

    /** The reference's name: rope, learned or none. */
    @JsonValue
    public String key() { return name().toLowerCase(Locale.ROOT); }

    @JsonCreator
    public static PosEncoding parse(String s) {
        for (PosEncoding p : values()) if (p.key().equals(s)) return p;
        throw new TrmException("pos_encodings must be rope, learned or none, not '" + s + "'");
    }
}
