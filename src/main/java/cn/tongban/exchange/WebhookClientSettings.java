package cn.tongban.exchange;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.stereotype.Component;

/**
 * The webhook client of the delivery routes retries nothing by itself: Apache HttpClient would
 * silently re-send on a 503 or 429, which hides a failing partner from the route's redelivery,
 * the outbox's attempts, the circuit breaker and the ledger.
 */
@Component("webhookClientSettings")
class WebhookClientSettings implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries().disableRedirectHandling();
    }
}
