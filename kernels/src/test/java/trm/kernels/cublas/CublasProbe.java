package trm.kernels.cublas;

import trm.engine.TrmException;

/** Run in a child JVM by {@link CublasLoadingTest}: prints what {@link Cublas#requireAvailable} says. */
public final class CublasProbe {
    private CublasProbe() {}

    public static void main(String[] args) {
        try {
            Cublas.requireAvailable();
            System.out.println("AVAILABLE");
        } catch (TrmException e) {
            System.out.println("MESSAGE " + e.getMessage());
            System.out.println("CAUSE " + e.getCause());
        }
    }
}
