package dev.valueledger.ingest;

import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Column;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.unhex;
import static org.apache.spark.sql.functions.when;

/**
 * Replaces personal identifiers by HMAC-SHA256 under a key from the environment (CONTRACT §1),
 * built from Spark's own sha2 so that no user-defined function runs per row. Equal identifiers
 * map to equal hashes, so joins and distinct counts still work in silver and gold.
 */
public final class Pseudonymizer {

    /** Publicly known key for demos and tests; `run` refuses it unless explicitly allowed. */
    public static final String INSECURE_DEV_KEY = "value-ledger-insecure-development-key";
    private static final int BLOCK = 64;

    private final byte[] innerPad;
    private final byte[] outerPad;
    private final boolean insecure;

    private Pseudonymizer(byte[] key, boolean insecure) {
        byte[] k = key.length > BLOCK ? sha256(key) : key;
        innerPad = new byte[BLOCK];
        outerPad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        this.insecure = insecure;
    }

    /** For a given key (tests compare with javax.crypto.Mac). */
    static Pseudonymizer withKey(String key) {
        return new Pseudonymizer(key.getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * The key from the configured environment variable; without one, the development key only
     * when {@code allowInsecure} (the demo, or --insecure-dev-key), else a user error.
     */
    public static Pseudonymizer fromEnvironment(AppConfig cfg, boolean allowInsecure) {
        String var = cfg.privacy().hashKeyEnv();
        String key = System.getenv(var);
        if (key != null && !key.isBlank()) {
            if (key.length() < 16) {
                throw new UserError("the hash key in " + var + " is shorter than 16 characters; use a long random secret");
            }
            return new Pseudonymizer(key.getBytes(StandardCharsets.UTF_8), false);
        }
        if (allowInsecure || cfg.privacy().allowInsecureDevKey()) {
            return new Pseudonymizer(INSECURE_DEV_KEY.getBytes(StandardCharsets.UTF_8), true);
        }
        throw new UserError("no key for pseudonymising personal identifiers: set the environment variable " + var
                + " to a long random secret (or pass --insecure-dev-key for a throwaway run)");
    }

    public boolean insecure() {
        return insecure;
    }

    /** HMAC-SHA256 of the column's UTF-8 bytes as 64 hex characters; null stays null. */
    public Column hash(Column value) {
        Column inner = unhex(sha2(concat(lit(innerPad), value.cast("binary")), 256));
        return when(value.isNull(), lit(null).cast("string"))
                .otherwise(sha2(concat(lit(outerPad), inner), 256));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
