package dev.valueledger.generate;

/** The kinds of bad input of CONTRACT §1.3, named as the sidecar {@code _truth.json} counts them. */
enum BadKind {
    UNPARSEABLE("unparseable"),
    MISSING_REQUIRED("missing_required"),
    WRONG_TYPE("wrong_type"),
    OUT_OF_DOMAIN("out_of_domain"),
    CONFLICTING_DUPLICATE("conflicting_duplicate"),
    EXACT_DUPLICATE("exact_duplicate");

    private final String label;

    BadKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Rows of this kind the pipeline must quarantine per injection (every version of a conflicting key). */
    int quarantinedRows() {
        return switch (this) {
            case CONFLICTING_DUPLICATE -> 2;
            case EXACT_DUPLICATE -> 0;
            default -> 1;
        };
    }
}
