package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.catalog.MaskingRule;
import org.junit.jupiter.api.Test;

class MaskingTest {

    @Test
    void governmentPlatformConventions() {
        assertThat(Masking.apply(MaskingRule.MOBILE, "13812345678")).isEqualTo("138****5678");
        assertThat(Masking.apply(MaskingRule.ID_NUMBER, "43010219900101123X")).isEqualTo("430102********123X");
        assertThat(Masking.apply(MaskingRule.NAME, "张三")).isEqualTo("张*");
        assertThat(Masking.apply(MaskingRule.NAME, "张三丰")).isEqualTo("张*丰");
        assertThat(Masking.apply(MaskingRule.NAME, "欧阳娜娜")).isEqualTo("欧**娜");
        assertThat(Masking.apply(MaskingRule.ADDRESS, "湖南省长沙市岳麓区麓山南路2号")).isEqualTo("湖南省长沙市岳麓区****");
        assertThat(Masking.apply(MaskingRule.ADDRESS, "湖南省浏阳市集里街道1号")).isEqualTo("湖南省浏阳市****");
    }

    @Test
    void shortValuesAreFullyHiddenAndOthersUntouched() {
        assertThat(Masking.apply(MaskingRule.MOBILE, "12345")).isEqualTo("*****");
        assertThat(Masking.apply(MaskingRule.REDACT, "秘密")).isNull();
        assertThat(Masking.apply(MaskingRule.NONE, "公开")).isEqualTo("公开");
        assertThat(Masking.apply(MaskingRule.NAME, 42)).isEqualTo(42);
        assertThat(Masking.apply(MaskingRule.NAME, null)).isNull();
    }
}
