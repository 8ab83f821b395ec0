package cn.tongban.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestPropertySource;

/**
 * An integration test of the whole hub on a random port, with the test settings of
 * {@code it.properties} (real PostgreSQL: {@code TONGBAN_TEST_DB_URL} or a fresh embedded one).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:it.properties")
public @interface HubTest {}
