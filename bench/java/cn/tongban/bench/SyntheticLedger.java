package cn.tongban.bench;

import cn.tongban.ledger.LedgerBundles;
import cn.tongban.signing.HubKeys;
import java.io.OutputStream;

/** Writes a synthetic evidence bundle (a valid chain of invented events, sealed and signed) for benchmarks and tests. */
public final class SyntheticLedger {

    private SyntheticLedger() {}

    public static void write(OutputStream out, int events, int sealSize, HubKeys keys) throws Exception {
        LedgerBundles.synthetic(out, events, sealSize, keys);
    }
}
