package dev.valueledger.config;

import dev.valueledger.UserError;

/** A configuration that cannot be used; the message names the key and the fix. */
public final class ConfigError extends UserError {
    private static final long serialVersionUID = 1L;

    public ConfigError(String message) {
        super(message);
    }
}
