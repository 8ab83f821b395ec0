package cn.tongban.federation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tongban.federation.*}: this hub's province and name, the address peers reach it at, how
 * long its directory is valid and how often peers' are fetched, the replay window, and the retry
 * policy for messages to a peer that is down.
 */
@ConfigurationProperties("tongban.federation")
public record FederationProperties(
        @DefaultValue("430000") String province,
        @DefaultValue("湖南省政务数据共享交换平台") String name,
        String publicUrl,
        @DefaultValue("24h") Duration directoryValidity,
        @DefaultValue("5m") Duration directoryRefresh,
        @DefaultValue("5m") Duration replayWindow,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("1s") Duration retryBase,
        @DefaultValue("5m") Duration retryMax,
        @DefaultValue("20") int maxAttempts,
        @DefaultValue("500") long sendPeriodMs) {}
