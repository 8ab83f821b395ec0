package cn.tongban.acceptance;

import static org.citrusframework.http.actions.HttpActionBuilder.http;

import org.citrusframework.TestActionBuilder;
import org.citrusframework.http.actions.HttpClientResponseActionBuilder;
import org.citrusframework.http.client.HttpClient;
import org.citrusframework.http.client.HttpClientBuilder;
import org.citrusframework.message.MessageType;
import org.springframework.http.HttpStatus;

/**
 * Shared steps: the demo province's people and systems calling the hub. Scenario classes read
 * as numbered steps of what a user does and what the hub must answer.
 */
abstract class HubScenario {

    /** Demo participants' 统一社会信用代码 (config/demo/province.json). */
    static final String NOTARY_OFFICE = "11430100445509870F";

    static final String PEER_PLATFORM = "11440000MB2C01234R";

    protected final HttpClient hub = new HttpClientBuilder()
            .requestUrl(Hub.get().url)
            .timeout(30_000)
            .build();

    TestActionBuilder<?> get(String user, String path) {
        return http().client(hub).send().get(path).message().header("Authorization", Hub.basic(user));
    }

    TestActionBuilder<?> post(String user, String path, String json) {
        return http().client(hub)
                .send()
                .post(path)
                .message()
                .header("Authorization", Hub.basic(user))
                .contentType("application/json;charset=UTF-8")
                .body(json);
    }

    /** The answer, as JSON; the caller adds JSONPath validations and extractions. */
    HttpClientResponseActionBuilder.HttpMessageBuilderSupport answer(HttpStatus status) {
        return http().client(hub).receive().response(status).message().type(MessageType.JSON);
    }
}
