/**
 * Benchmarks of the cpu device, and the kernel benchmark ({@link trm.bench.KernelBench}, with the
 * FLOP and byte counts of {@link trm.bench.KernelCounts}) for the sim and cuda devices.
 *
 * <p>Build the JMH uber-jar (bench/target/benchmarks.jar) with
 * <pre>
 * mvn -B -o -pl engine,bench -am package -DskipTests
 * </pre>
 * Every JVM needs {@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}
 * (JMH's forks get them from {@code @Fork}).
 *
 * <p>Matmul, ours against OpenBLAS ({@code apt-get install libopenblas-dev}; without it the
 * comparison is skipped with a message):
 * <pre>
 * # GFLOP/s table "shape, ours, OpenBLAS, ratio" over the TRM shapes, ours and OpenBLAS back to back per shape
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar trm.bench.MatmulTable
 * # the same table from interleaved single calls in one JVM (steadier on a shared machine), 3 rounds
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar trm.bench.MatmulTable -interleave 15 -r 3
 * # plain JMH (ms/op), any JMH options
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar MatmulBench
 * </pre>
 * Thread counts: ours uses {@code -Dtrm.cpu.threads=N} (default: all cores), OpenBLAS
 * {@code OPENBLAS_NUM_THREADS} (default: all cores).
 */
package trm.bench;
