package cn.tongban.federation;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * 对端平台: the registered peers and the messages to them. (Being built: until peers can be
 * registered, every message to another province is refused as the sender's fault.)
 */
@Service
class PeerPlatforms implements PeerMessaging {

    private final String ownProvince;

    PeerPlatforms(@Value("${tongban.federation.province:430000}") String ownProvince) {
        this.ownProvince = ownProvince;
    }

    @Override
    public String ownProvince() {
        return ownProvince;
    }

    @Override
    public boolean knows(String province) {
        return false;
    }

    @Override
    public String send(OutboundMessage message) {
        throw noPeer(message.receiverProvince());
    }

    @Override
    public InboundMessage ask(OutboundMessage message, Duration timeout) {
        throw noPeer(message.receiverProvince());
    }

    private static PeerFault noPeer(String province) {
        return new PeerFault(PeerFault.Fault.SENDER, "peer", "no peer platform is registered for province " + province);
    }
}
