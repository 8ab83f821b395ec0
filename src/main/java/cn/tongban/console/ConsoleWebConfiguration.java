package cn.tongban.console;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/**
 * The console's language: Chinese unless the person chose English ({@code ?lang=en}), kept in a
 * cookie. Outside the console the request's own Accept-Language still decides, as before.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfiguration implements WebMvcConfigurer {

    static final Locale CHINESE = Locale.SIMPLIFIED_CHINESE;

    @Bean
    LocaleResolver localeResolver() {
        CookieLocaleResolver resolver = new CookieLocaleResolver("tongban-lang");
        resolver.setCookieMaxAge(Duration.ofDays(365));
        resolver.setCookiePath("/console");
        resolver.setDefaultLocaleFunction(ConsoleWebConfiguration::defaultLocale);
        return resolver;
    }

    private static Locale defaultLocale(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/console") ? CHINESE : request.getLocale();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor change = new LocaleChangeInterceptor();
        change.setParamName("lang");
        change.setIgnoreInvalidLocale(true);
        registry.addInterceptor(change).addPathPatterns("/console/**");
    }
}
