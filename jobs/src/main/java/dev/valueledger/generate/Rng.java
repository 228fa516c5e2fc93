package dev.valueledger.generate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded random stream with the draws the generator needs; one stream per entity and purpose so
 * that no draw depends on how many draws another entity made.
 */
final class Rng {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final SplittableRandom random;

    private Rng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The stream for one purpose ({@code stream}) of one entity ({@code index}) under the run's seed. */
    static Rng of(long seed, String stream, long index) {
        return new Rng(mix(mix(seed ^ mix(stream.hashCode() * 0x9E3779B97F4A7C15L)) + index));
    }

    static Rng of(long seed, String stream) {
        return of(seed, stream, 0);
    }

    /** SplitMix64 finaliser: spreads nearby inputs over the whole 64-bit range. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    double uniform() {
        return random.nextDouble();
    }

    double uniform(double from, double to) {
        return from + (to - from) * random.nextDouble();
    }

    /** Uniform integer in [from, to], both inclusive. */
    int between(int from, int to) {
        return from + random.nextInt(to - from + 1);
    }

    long betweenLong(long from, long toExclusive) {
        return toExclusive <= from ? from : random.nextLong(from, toExclusive);
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    double normal(double mean, double sd) {
        return mean + sd * random.nextGaussian();
    }

    double logNormal(double median, double sigma) {
        return median * Math.exp(sigma * random.nextGaussian());
    }

    double exponential(double mean) {
        return -mean * Math.log(1.0 - random.nextDouble());
    }

    int poisson(double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 30) {
            return (int) Math.max(0, Math.round(normal(lambda, Math.sqrt(lambda))));
        }
        double limit = Math.exp(-lambda);
        double p = random.nextDouble();
        int k = 0;
        while (p > limit) {
            p *= random.nextDouble();
            k++;
        }
        return k;
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    String pick(String[] items) {
        return items[random.nextInt(items.length)];
    }

    /** Index drawn with probability proportional to its weight. */
    int weighted(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    String hex(int length) {
        char[] out = new char[length];
        long bits = 0;
        for (int i = 0; i < length; i++) {
            if (i % 16 == 0) {
                bits = random.nextLong();
            }
            out[i] = HEX[(int) (bits & 15)];
            bits >>>= 4;
        }
        return new String(out);
    }

    /** In-place Fisher-Yates shuffle driven by this stream. */
    <T> void shuffle(List<T> items) {
        for (int i = items.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = items.get(i);
            items.set(i, items.get(j));
            items.set(j, t);
        }
    }
}
