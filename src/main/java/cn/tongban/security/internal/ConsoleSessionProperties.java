package cn.tongban.security.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The console's login session: it ends after {@code sessionTimeout} without a request. */
@ConfigurationProperties("tongban.console")
record ConsoleSessionProperties(@DefaultValue("30m") Duration sessionTimeout) {}
