package cn.tongban.demo;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * 演示省份: which demo province a hub plays ({@code tongban.demo.province}) and the file its data,
 * settings and simulated systems come from. Hunan's file keeps its historical name.
 */
enum DemoProvinceChoice {
    HUNAN("classpath:config/demo/province.json"),
    GUANGDONG("classpath:config/demo/guangdong.json");

    static final String SETTING = "tongban.demo.province";

    private final String dataFile;

    DemoProvinceChoice(String dataFile) {
        this.dataFile = dataFile;
    }

    String dataFile() {
        return dataFile;
    }

    /** The choice a setting names (any case); Hunan when unset; a typo fails the start with the choices. */
    static DemoProvinceChoice of(String setting) {
        if (setting == null || setting.isBlank()) {
            return HUNAN;
        }
        try {
            return valueOf(setting.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SETTING + " must be one of "
                    + Arrays.stream(values())
                            .map(c -> c.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")));
        }
    }
}
