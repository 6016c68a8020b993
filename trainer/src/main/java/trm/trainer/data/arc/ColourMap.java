package trm.trainer.data.arc;

import trm.engine.TrmException;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A permutation of the ARC colours that keeps 0 (the background) fixed: colour c becomes
 * {@code map[c]}. Written as the ten digits of {@code map}, e.g. {@code 0123456789} for the identity.
 */
public record ColourMap(int[] map) {
    public static final ColourMap IDENTITY = new ColourMap(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});

    public ColourMap {
        if (map.length != ArcGrid.COLOURS || map[0] != 0)
            throw new TrmException("a colour map has 10 entries with 0 fixed, got " + Arrays.toString(map));
        boolean[] seen = new boolean[ArcGrid.COLOURS];
        for (int c : map) {
            if (c < 0 || c >= ArcGrid.COLOURS || seen[c]) throw new TrmException("a colour map must be a permutation of 0..9, got " + Arrays.toString(map));
            seen[c] = true;
        }
        map = map.clone();
    }

    /** A uniformly random permutation of 1..9 (Fisher–Yates), 0 fixed. */
    public static ColourMap random(RandomGenerator rng) {
        int[] m = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        for (int i = 9; i > 1; i--) {
            int j = 1 + rng.nextInt(i); // 1..i
            int t = m[i];
            m[i] = m[j];
            m[j] = t;
        }
        return new ColourMap(m);
    }

    /** From its ten digits; a TrmException names what is wrong. */
    public static ColourMap parse(String digits) {
        if (digits.length() != ArcGrid.COLOURS) throw new TrmException("a colour map is 10 digits, got '" + digits + "'");
        int[] m = new int[ArcGrid.COLOURS];
        for (int i = 0; i < m.length; i++) {
            char ch = digits.charAt(i);
            if (ch < '0' || ch > '9') throw new TrmException("a colour map is 10 digits, got '" + digits + "'");
            m[i] = ch - '0';
        }
        return new ColourMap(m);
    }

    public int apply(int colour) { return map[colour]; }

    public ArcGrid apply(ArcGrid g) { return g.recolour(map); }

    public ColourMap inverse() {
        int[] inv = new int[ArcGrid.COLOURS];
        for (int c = 0; c < inv.length; c++) inv[map[c]] = c;
        return new ColourMap(inv);
    }

    @Override public boolean equals(Object o) { return o instanceof ColourMap m && Arrays.equals(m.map, map); }

    @Override public int hashCode() { return Arrays.hashCode(map); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(ArcGrid.COLOURS);
        for (int c : map) sb.append(c);
        return sb.toString();
    }
}
