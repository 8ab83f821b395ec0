package cn.tongban.security.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * @param replayWindow how far a signed request's timestamp may be from the hub's clock, either way;
 *     its nonce is remembered this long after the timestamp
 * @param maxBody the largest body a signed request may carry (it is held in memory to be hashed)
 */
@ConfigurationProperties("tongban.security.signed-requests")
record SignedRequestProperties(Duration replayWindow, DataSize maxBody) {

    SignedRequestProperties {
        replayWindow = replayWindow == null ? Duration.ofMinutes(5) : replayWindow;
        maxBody = maxBody == null ? DataSize.ofMegabytes(16) : maxBody;
    }
}
