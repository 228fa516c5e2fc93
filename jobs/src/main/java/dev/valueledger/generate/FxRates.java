package dev.valueledger.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Monthly rates of USD and GBP into the reporting currency EUR (CONTRACT §1 fx_rates, §2 MRR). */
final class FxRates {
    static final String REPORTING = "EUR";
    private final BigDecimal[] usd = new BigDecimal[TimeAxis.MONTHS];
    private final BigDecimal[] gbp = new BigDecimal[TimeAxis.MONTHS];

    FxRates(long seed) {
        Rng rng = Rng.of(seed, "fx");
        double u = 0.92;
        double g = 1.17;
        for (int m = 0; m < TimeAxis.MONTHS; m++) {
            u += rng.normal(0, 0.008);
            g += rng.normal(0, 0.008);
            usd[m] = BigDecimal.valueOf(u).setScale(6, RoundingMode.HALF_EVEN);
            gbp[m] = BigDecimal.valueOf(g).setScale(6, RoundingMode.HALF_EVEN);
        }
    }

    BigDecimal rate(String currency, int month) {
        return switch (currency) {
            case "USD" -> usd[month];
            case "GBP" -> gbp[month];
            default -> BigDecimal.ONE;
        };
    }

    /** A rough list-price rate, so that prices in each currency are round numbers. */
    static double listRate(String currency) {
        return switch (currency) {
            case "USD" -> 0.92;
            case "GBP" -> 1.17;
            default -> 1.0;
        };
    }

    /**
     * The amount in {@code currency} whose value in EUR at the month's rate, rounded half-even to the cent
     * as CONTRACT §2 MRR does, comes closest to {@code eur}.
     */
    BigDecimal amountFor(BigDecimal eur, String currency, int month) {
        return closestAmount(eur, rate(currency, month));
    }

    static BigDecimal closestAmount(BigDecimal eur, BigDecimal rate) {
        BigDecimal guess = eur.divide(rate, 2, RoundingMode.HALF_EVEN);
        BigDecimal best = guess;
        BigDecimal bestError = null;
        for (int step = -2; step <= 2; step++) {
            BigDecimal candidate = guess.add(BigDecimal.valueOf(step, 2));
            BigDecimal error = candidate.multiply(rate).setScale(2, RoundingMode.HALF_EVEN).subtract(eur).abs();
            if (bestError == null || error.compareTo(bestError) < 0) {
                best = candidate;
                bestError = error;
            }
        }
        return best;
    }

    void write(SourceWriter out) {
        for (int m = 0; m < TimeAxis.MONTHS; m++) {
            for (String currency : new String[] {"USD", "GBP"}) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("month", TimeAxis.month(m));
                row.put("currency", currency);
                row.put("rate_to_reporting", rate(currency, m));
                out.write(row);
            }
        }
    }
}
