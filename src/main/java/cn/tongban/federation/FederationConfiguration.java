package cn.tongban.federation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code tongban.federation.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FederationProperties.class)
class FederationConfiguration {}
