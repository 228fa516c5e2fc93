package dev.valueledger.cli;

/** Placeholder entry point while the build is set up. */
public final class Main {
    public static void main(String[] args) {
        System.out.println("value ledger");
    }
}
