package cn.tongban.limits.internal;

import cn.tongban.web.ApiException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.JsonNode;

/**
 * No request body carries U+0000 in any text (PostgreSQL stores none, and no identifier or name
 * needs one): refused with 400 naming the field, before any controller, so nothing is written.
 */
@ControllerAdvice
class NulCharacters extends RequestBodyAdviceAdapter {

    static final String RULE = "no-nul";
    static final String MESSAGE = "must not contain the NUL character (U+0000)";
    /** Deeper than any body Jackson lets through (its nesting limit is lower). */
    private static final int MAX_DEPTH = 2_000;

    @Override
    public boolean supports(
            MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(
            Object body,
            HttpInputMessage input,
            MethodParameter parameter,
            Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        // First without naming paths (no string is built for a clean body), then again to name it.
        if (find(body, null, 0) != null) {
            String field = find(body, "", 0);
            throw ApiException.invalid(field.isEmpty() ? "body" : field, RULE, MESSAGE);
        }
        return body;
    }

    /**
     * The path of the first text holding a NUL, or null; with a null {@code path} it only tells
     * whether there is one (any non-null answer), building no path.
     */
    static String find(Object value, String path, int depth) {
        if (value == null || depth > MAX_DEPTH) {
            return null;
        }
        if (value instanceof CharSequence text) {
            return text.toString().indexOf('\u0000') >= 0 ? found(path) : null;
        }
        if (value instanceof JsonNode node) {
            return inNode(node, path, depth);
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                String found = find(item, index(path, i++), depth + 1);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                String child = join(path, key);
                if (key.indexOf('\u0000') >= 0) {
                    return found(join(path, "(name)"));
                }
                String found = find(e.getValue(), child, depth + 1);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (value.getClass().isRecord()) {
            return inRecord(value, path, depth);
        }
        return null;
    }

    private static String inNode(JsonNode node, String path, int depth) {
        if (node.isString()) {
            return node.asString().indexOf('\u0000') >= 0 ? found(path) : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = inNode(node.get(i), index(path, i), depth + 1);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().indexOf('\u0000') >= 0) {
                    // The name itself is the offending text: never echo it.
                    return found(join(path, "(name)"));
                }
                String found = depth > MAX_DEPTH ? null : inNode(e.getValue(), join(path, e.getKey()), depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String inRecord(Object record, String path, int depth) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                var accessor = component.getAccessor();
                accessor.setAccessible(true);
                value = accessor.invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            String found = find(value, join(path, component.getName()), depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String join(String path, String name) {
        return path == null ? null : path.isEmpty() ? name : path + "." + name;
    }

    private static String index(String path, int i) {
        return path == null ? null : path + "[" + i + "]";
    }

    private static String found(String path) {
        return path == null ? "" : path;
    }
}
