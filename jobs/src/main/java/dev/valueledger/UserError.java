package dev.valueledger;

/**
 * A failure the user can fix (bad arguments, bad configuration, bad input over threshold).
 * The command line prints its message on one line, without a stack trace.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
