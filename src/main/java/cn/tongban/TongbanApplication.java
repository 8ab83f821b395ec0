package cn.tongban;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Tongban (通办): the province's data-sharing exchange hub for cross-province services (跨省通办). */
@SpringBootApplication
public class TongbanApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("verify")) {
            // The offline verifier: no database, no network, no Spring.
            cn.tongban.ledger.BundleVerifier.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(TongbanApplication.class, args);
    }
}
