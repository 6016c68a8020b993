package trm.trainer.data.arc;

import trm.trainer.data.Dihedral;

/**
 * One augmented copy of a task, its own puzzle identifier: grids are transformed by
 * {@code transform}, then recoloured by {@code colours}. {@link #restore} undoes both.
 */
public record ArcVariant(Dihedral transform, ColourMap colours) {
    public static final ArcVariant IDENTITY = new ArcVariant(Dihedral.IDENTITY, ColourMap.IDENTITY);

    public ArcGrid apply(ArcGrid g) { return colours.apply(g.transform(transform)); }

    /** The original grid behind a grid of this variant: inverse colour map, then inverse transform. */
    public ArcGrid restore(ArcGrid g) { return colours.inverse().apply(g).transform(transform.inverse()); }

    public ArcTask apply(ArcTask t) { return t.augment(transform, colours); }

    /** As the manifest writes it: the transform id, ':', the colour map's ten digits, e.g. {@code 3:0582917346}. */
    @Override
    public String toString() { return transform.id() + ":" + colours; }

    public static ArcVariant parse(String s) {
        if (s.length() != 12 || s.charAt(1) != ':' || s.charAt(0) < '0' || s.charAt(0) > '7')
            throw new trm.engine.TrmException("a variant is written T:CCCCCCCCCC (transform 0..7, ten colour digits), got '" + s + "'");
        return new ArcVariant(Dihedral.of(s.charAt(0) - '0'), ColourMap.parse(s.substring(2)));
    }
}
