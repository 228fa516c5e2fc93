package dev.valueledger.generate;

/**
 * How big, which seed and how much bad input a synthetic company has (the input layout of CONTRACT §1).
 *
 * @param scale   1 is ~1,000 accounts and ~2,000,000 events; may be fractional (tests use 0.02)
 * @param seed    same seed, scale and bad rate give byte-identical files
 * @param badRate share of each source's records added as bad input of the kinds in CONTRACT §1.3
 */
public record GeneratorOptions(double scale, long seed, double badRate) {
    public GeneratorOptions {
        if (!(scale > 0) || scale > 100) {
            throw new IllegalArgumentException("scale must be in (0, 100], got " + scale);
        }
        if (!(badRate >= 0) || badRate > 0.05) {
            // Above 5% a source would fail the run by design (CONTRACT §1.3 default threshold).
            throw new IllegalArgumentException("bad rate must be in [0, 0.05], got " + badRate);
        }
    }

    public static GeneratorOptions defaults() {
        return new GeneratorOptions(1.0, 42L, 0.0);
    }
}
