package cn.tongban.exchange;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ExchangeProperties.class, IntakeTopicProperties.class})
class ExchangeConfiguration {}
